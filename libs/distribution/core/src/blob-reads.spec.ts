import { parseRangeHeader } from './blob-reads';
import { parsePage } from './listings';

describe('parseRangeHeader', () => {
  it.each([
    [undefined, { kind: 'whole' }],
    ['bytes=0-99', { kind: 'range', range: { start: 0, end: 99 } }],
    ['bytes=900-', { kind: 'range', range: { start: 900, end: 999 } }],
    ['bytes=900-5000', { kind: 'range', range: { start: 900, end: 999 } }],
    ['bytes=-100', { kind: 'range', range: { start: 900, end: 999 } }],
    ['bytes=-5000', { kind: 'range', range: { start: 0, end: 999 } }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=50-10', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
  ])('reads %s of a 1000-byte blob', (header, expected) => {
    expect(parseRangeHeader(header, 1000)).toEqual(expected);
  });

  it('finds nothing satisfiable in an empty blob', () => {
    expect(parseRangeHeader('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('parsePage', () => {
  it('serves at most 1000 entries a page, with or without n', () => {
    expect(parsePage(undefined, undefined)).toEqual({ n: 1000, last: undefined });
    expect(parsePage('1000000000', 'b')).toEqual({ n: 1000, last: 'b' });
    expect(parsePage('0', '')).toEqual({ n: 0, last: undefined });
  });

  it.each(['-1', 'ten', '1e3', '', '9'.repeat(13)])('refuses n=%j', (n) => {
    expect(() => parsePage(n, undefined)).toThrow(expect.objectContaining({ code: 'PAGINATION_NUMBER_INVALID' }));
  });
});
