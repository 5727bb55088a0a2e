import { jsonCopy } from './json-copy';

const roundTrip = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
};

describe('jsonCopy', () => {
  const cases: Record<string, unknown> = {
    'plain values': { a: 1, b: 'two', c: true, d: null, e: [1, 'x', false, null], f: { g: { h: [] } } },
    'a date and a buffer': { at: new Date('2026-12-05T10:00:00Z'), bytes: Buffer.from('hi') },
    'non-finite numbers and negative zero': { nan: NaN, inf: Infinity, neg: -Infinity, zero: -0, list: [NaN, -0] },
    'what JSON leaves out': { u: undefined, f: () => 1, s: Symbol('x'), list: [undefined, () => 1, Symbol('y')] },
    'boxed primitives': { n: new Number(3), s: new String('s'), b: new Boolean(false) },
    'maps, sets and typed arrays': { m: new Map([['k', 1]]), set: new Set([1]), t: new Uint8Array([7, 8]) },
    'an object with its own toJSON': { inner: { toJSON: (key: string) => `serialized as ${key}` } },
    'a top-level array': [1, { a: undefined }, [2]],
    'a top-level string': 'text',
    'a top-level date': new Date(0),
  };

  it.each(Object.entries(cases))('gives what a JSON round trip gives: %s', (_name, value) => {
    expect(jsonCopy(value)).toStrictEqual(roundTrip(value));
  });

  it('gives undefined for what JSON cannot write at all', () => {
    expect(jsonCopy(undefined)).toBeUndefined();
    expect(jsonCopy(() => 1)).toBeUndefined();
  });

  it('writes negative zero as zero', () => {
    expect(Object.is(jsonCopy(-0), 0)).toBe(true);
  });

  it('keeps a __proto__ key as data, as JSON.parse does, without changing the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = jsonCopy(hostile) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toStrictEqual(roundTrip(hostile));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('shares nothing mutable with the original', () => {
    const original = { list: [{ a: 1 }], nested: { b: 2 } };
    const copy = jsonCopy(original) as typeof original;
    copy.list[0].a = 9;
    copy.nested.b = 9;
    expect(original).toEqual({ list: [{ a: 1 }], nested: { b: 2 } });
  });

  it('refuses a BigInt as JSON does', () => {
    expect(() => jsonCopy({ n: 1n })).toThrow(TypeError);
  });
});
