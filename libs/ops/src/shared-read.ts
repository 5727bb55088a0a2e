/**
 * One read for the gauges a scrape collects together: prom-client asks every metric at once, so
 * the second gauge of a pair joins the read the first started instead of querying again.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let reading: Promise<T> | undefined;
  return () => (reading ??= read().finally(() => (reading = undefined)));
}
