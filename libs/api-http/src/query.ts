import type { z } from 'zod';
import { ApiError } from './api-error';

type RawQuery = Record<string, string | string[] | undefined>;

/** `filter=key::value|key::value`: SWR's way of passing list criteria in one parameter. */
function filterPairs(filter: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const part of filter.split('|')) {
    const at = part.indexOf('::');
    if (at <= 0) throw new ApiError(400, `invalid filter ${JSON.stringify(part.slice(0, 100))}: write key::value pairs joined by |`, undefined, '1035');
    const key = part.slice(0, at);
    if (key in pairs) throw new ApiError(400, `filter names ${key.slice(0, 50)} twice`, undefined, '1035');
    pairs[key] = part.slice(at + 2);
  }
  return pairs;
}

/**
 * A management query, validated: plain parameters, or `filter`, which when present replaces them
 * all (SWR's rule). Repeated or unknown parameters are refused like malformed ones.
 */
export function parseQuery<S extends z.ZodType>(schema: S, raw: RawQuery): z.infer<S> {
  const single: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (Array.isArray(value)) throw new ApiError(400, `query parameter ${key.slice(0, 50)} is given more than once`, undefined, '1025');
    if (value !== undefined) single[key] = value;
  }
  const query = single.filter !== undefined ? filterPairs(single.filter) : single;
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
  throw new ApiError(400, `invalid query: ${problems.join('; ')}`, undefined, '1025');
}
