/**
 * SWR's `filter` parameter (`limit::50|offset::0|order::desc`), which some list operations (the
 * sync jobs) require in place of separate parameters; criteria without a value are left out.
 */
export function swrFilter(criteria: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(criteria)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}::${value}`)
    .join('|');
}
