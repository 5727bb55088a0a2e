/**
 * SWR's `filter` query (`filter=limit::50|offset::0|order::desc`), which some list operations
 * (the sync jobs) require in place of separate parameters; parameters without a value are left out.
 */
export function filterQuery(query: Readonly<Record<string, string | undefined>> | undefined): string {
  const pairs = Object.entries(query ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}::${value}`);
  return `filter=${encodeURIComponent(pairs.join('|'))}`;
}
