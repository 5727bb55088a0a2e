const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** A byte count as people read it: 1024-based, one decimal under 10 of a unit. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** What is used of a quota, with its share: "1.5 GB of 100 GB (2%)"; a limit of -1 or less means none. */
export function formatUsage(used: number, limit: number, bytes: boolean): string {
  const show = (n: number) => (bytes ? formatBytes(n) : String(n));
  if (limit < 0) return `${show(used)} (no limit)`;
  const share = limit === 0 ? 100 : Math.min(100, Math.round((used / limit) * 100));
  return `${show(used)} of ${show(limit)} (${share}%)`;
}

/** An API time (ISO 8601, or SWR's "2006-01-02T15:04:05Z"-like strings) in UTC, to the second; the text itself when unreadable. */
export function formatTime(value: string | null | undefined): string {
  if (!value) return '-';
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A digest shortened for a table, the algorithm kept: "sha256:0123456789ab". */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return colon < 0 ? digest.slice(0, 12) : digest.slice(0, colon + 13);
}

/** The `docker pull` command of a tag, for the registry the console is served from. */
export function pullCommand(registryHost: string, namespace: string, repository: string, tag: string): string {
  return `docker pull ${registryHost}/${namespace}/${repository}:${tag}`;
}
