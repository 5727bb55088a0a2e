import { regionId } from '@swr/contracts';

/**
 * SWR_SYNC_REGIONS: `<regionId>=<base URL>`, comma-separated. The only way a region id becomes an
 * address: a rule names a region, never a URL.
 */
export function parseSyncRegions(text: string): ReadonlyMap<string, string> {
  const regions = new Map<string, string>();
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    const id = entry.slice(0, at).trim();
    const url = entry.slice(at + 1).trim();
    if (at <= 0 || !regionId.safeParse(id).success) throw new Error(`SWR_SYNC_REGIONS: ${JSON.stringify(entry.slice(0, 100))} is not <region id>=<URL>`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`SWR_SYNC_REGIONS: region ${id} has no valid URL`);
    }
    if (!/^https?:$/.test(parsed.protocol) || parsed.pathname !== '/' || parsed.search || parsed.username) {
      throw new Error(`SWR_SYNC_REGIONS: region ${id} must be an http(s) base URL without path, query or credentials`);
    }
    if (regions.has(id)) throw new Error(`SWR_SYNC_REGIONS: region ${id} is listed twice`);
    regions.set(id, parsed.origin);
  }
  return regions;
}
