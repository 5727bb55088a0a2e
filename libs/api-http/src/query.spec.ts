import { z } from 'zod';
import { ApiError } from './api-error';
import { parseQuery } from './query';

const schema = z.strictObject({
  namespace: z.string().optional(),
  limit: z.string().regex(/^\d+$/).transform(Number).optional(),
});

const refusal = (raw: Record<string, string | string[]>) => {
  try {
    parseQuery(schema, raw);
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? `${error.status}${error.codeId}` : String(error);
  }
};

describe('management query parameters', () => {
  it('reads plain parameters, or the filter, which then replaces them all', () => {
    expect(parseQuery(schema, { namespace: 'a', limit: '5' })).toEqual({ namespace: 'a', limit: 5 });
    expect(parseQuery(schema, { namespace: 'ignored', filter: 'namespace::b|limit::7' })).toEqual({ namespace: 'b', limit: 7 });
    expect(parseQuery(schema, { filter: 'namespace::a::b' })).toEqual({ namespace: 'a::b' });
  });

  it('refuses malformed filters, repeated and unknown parameters, with SWR’s query error ids', () => {
    expect(refusal({ filter: 'namespace' })).toBe('4001035');
    expect(refusal({ filter: '::x' })).toBe('4001035');
    expect(refusal({ filter: 'limit::1|limit::2' })).toBe('4001035');
    expect(refusal({ namespace: ['a', 'b'] })).toBe('4001025');
    expect(refusal({ owner: 'me' })).toBe('4001025');
    expect(refusal({ limit: 'ten' })).toBe('4001025');
    expect(refusal(JSON.parse('{"__proto__":"x"}'))).toBe('4001025');
    expect(refusal({ filter: '__proto__::x' })).toBe('4001025');
    expect(refusal({ namespace: 'a\u0000b' })).toBe('4001025');
  });

  it('asks for the filter where the operation takes its criteria only there', () => {
    expect(() => parseQuery(schema, { limit: '5' }, { filterOnly: true })).toThrow(/filter parameter is required/);
    expect(parseQuery(schema, { filter: 'limit::5' }, { filterOnly: true })).toEqual({ limit: 5 });
  });
});
