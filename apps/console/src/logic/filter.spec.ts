import { filterQuery } from './filter';

describe("SWR's filter query", () => {
  it('joins the parameters as key::value with |, encoded for the URL', () => {
    const query = filterQuery({ limit: '50', offset: '0', order: 'desc' });
    expect(query).toBe('filter=limit%3A%3A50%7Coffset%3A%3A0%7Corder%3A%3Adesc');
    expect(decodeURIComponent(query)).toBe('filter=limit::50|offset::0|order::desc');
    expect(new URLSearchParams(query).get('filter')).toBe('limit::50|offset::0|order::desc');
  });

  it('leaves out parameters without a value', () => {
    expect(decodeURIComponent(filterQuery({ limit: '10', offset: '20', order: undefined }))).toBe('filter=limit::10|offset::20');
    expect(filterQuery(undefined)).toBe('filter=');
  });
});
