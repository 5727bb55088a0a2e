import { swrFilter } from './filter';

describe("SWR's filter parameter", () => {
  it('joins the criteria as key::value with |', () => {
    expect(swrFilter({ limit: '50', offset: '0', order: 'desc' })).toBe('limit::50|offset::0|order::desc');
  });

  it('leaves out criteria without a value', () => {
    expect(swrFilter({ limit: '10', offset: '20', order: undefined })).toBe('limit::10|offset::20');
  });
});
