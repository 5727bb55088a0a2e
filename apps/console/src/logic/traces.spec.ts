import { currentMarker, FIRST_PAGE, NO_FILTER, nextPage, pageNumber, previousPage, traceQuery } from './traces';

describe("the audit trail's filters", () => {
  it('asks for one page and nothing else when no filter is set', () => {
    expect(traceQuery(NO_FILTER, 20)).toEqual({ query: { limit: '20' } });
  });

  it('sends each filter set, trimmed, with local times as epoch milliseconds, the end minute included', () => {
    const from = '2026-12-05T10:00';
    const to = '2026-12-05T11:30';
    expect(traceQuery({ traceName: ' uploadImageArchive ', resourceType: 'imagerepository', user: 'admin', from, to, rating: 'warning' }, 50, 'm1')).toEqual({
      query: {
        limit: '50',
        trace_name: 'uploadImageArchive',
        resource_type: 'imagerepository',
        user: 'admin',
        trace_rating: 'warning',
        from: String(new Date(from).getTime()),
        to: String(new Date(to).getTime() + 59_999),
        next: 'm1',
      },
    });
  });

  it('refuses a time range that ends before it starts', () => {
    expect(traceQuery({ ...NO_FILTER, from: '2026-12-05T11:00', to: '2026-12-05T10:00' }, 20)).toEqual({ problem: 'The start time must be before the end time.' });
    expect(traceQuery({ ...NO_FILTER, from: '2026-12-05T10:00', to: '2026-12-05T10:00' }, 20)).toHaveProperty('query');
    expect(traceQuery({ ...NO_FILTER, from: 'soon' }, 20)).toEqual({ problem: 'Enter a valid time.' });
  });

  it('pages forward by marker and back to where it was', () => {
    const second = nextPage(FIRST_PAGE, 'a');
    const third = nextPage(second, 'b');
    expect([currentMarker(FIRST_PAGE), currentMarker(second), currentMarker(third)]).toEqual([undefined, 'a', 'b']);
    expect(pageNumber(third)).toBe(3);
    expect(previousPage(third)).toEqual(second);
    expect(pageNumber(previousPage(second))).toBe(1);
  });
});
