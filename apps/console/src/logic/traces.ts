/** The audit trail's filters as the form holds them: text, and times as `<input type="datetime-local">` gives them (local time). */
export interface TraceFilter {
  readonly traceName: string;
  readonly resourceType: string;
  readonly user: string;
  readonly from: string;
  readonly to: string;
  readonly rating: '' | 'normal' | 'warning' | 'incident';
}

export const NO_FILTER: TraceFilter = { traceName: '', resourceType: '', user: '', from: '', to: '', rating: '' };

/** Suggestions for the resource type filter: the types SWR's traces carry (libs/contracts RESOURCE_TYPES). */
export const RESOURCE_TYPES = [
  'image',
  'imagetag',
  'imagerepository',
  'usernamespace',
  'usernamespaceauth',
  'userrepositoryauth',
  'imagerepositoryaccessdomain',
  'dockerlogincmd',
  'user',
  'accesskey',
  'trigger',
  'retention',
  'syncrepo',
  'syncjob',
] as const;

export type TraceQuery = Partial<Record<'trace_name' | 'resource_type' | 'user' | 'from' | 'to' | 'limit' | 'next', string>> & { trace_rating?: Exclude<TraceFilter['rating'], ''> };

/** ListTraces' query for one page of the filtered trail, or why the filter cannot be asked. */
export function traceQuery(filter: TraceFilter, limit: number, next?: string): { query: TraceQuery } | { problem: string } {
  const from = filter.from ? new Date(filter.from).getTime() : undefined;
  const to = filter.to ? new Date(filter.to).getTime() : undefined;
  if (Number.isNaN(from) || Number.isNaN(to)) return { problem: 'Enter a valid time.' };
  if (from !== undefined && to !== undefined && from > to) return { problem: 'The start time must be before the end time.' };
  const query: TraceQuery = { limit: String(limit) };
  if (filter.traceName.trim()) query.trace_name = filter.traceName.trim();
  if (filter.resourceType.trim()) query.resource_type = filter.resourceType.trim();
  if (filter.user.trim()) query.user = filter.user.trim();
  if (filter.rating) query.trace_rating = filter.rating;
  if (from !== undefined) query.from = String(from);
  // The end minute is included: a trace at 10:00:30 is within "to 10:00".
  if (to !== undefined) query.to = String(to + 59_999);
  if (next) query.next = next;
  return { query };
}

/** The markers of the pages visited, newest last: paging forward pushes the next page's, back pops one. */
export interface Pages {
  readonly markers: readonly string[];
}

export const FIRST_PAGE: Pages = { markers: [] };
export const currentMarker = (pages: Pages): string | undefined => pages.markers[pages.markers.length - 1];
export const nextPage = (pages: Pages, marker: string): Pages => ({ markers: [...pages.markers, marker] });
export const previousPage = (pages: Pages): Pages => ({ markers: pages.markers.slice(0, -1) });
export const pageNumber = (pages: Pages): number => pages.markers.length + 1;
