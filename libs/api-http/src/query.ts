import type { z } from 'zod';
import { ApiError } from './api-error';

type RawQuery = Record<string, string | string[] | undefined>;

/** `filter=key::value|key::value`: SWR's way of passing list criteria in one parameter. */
function filterPairs(filter: string): Array<[string, string]> {
  const pairs = new Map<string, string>();
  for (const part of filter.split('|')) {
    const at = part.indexOf('::');
    if (at <= 0) throw new ApiError(400, `invalid filter ${JSON.stringify(part.slice(0, 100))}: write key::value pairs joined by |`, undefined, '1035');
    const key = part.slice(0, at);
    if (pairs.has(key)) throw new ApiError(400, `filter names ${key.slice(0, 50)} twice`, undefined, '1035');
    pairs.set(key, part.slice(at + 2));
  }
  return [...pairs];
}

/**
 * A management query, validated: plain parameters, or `filter`, which when present replaces them
 * all (SWR's rule). Repeated or unknown parameters are refused like malformed ones. With
 * `filterOnly` (the operation's flag), the criteria must come in `filter`.
 */
export function parseQuery<S extends z.ZodType>(schema: S, raw: RawQuery, options: { filterOnly?: boolean } = {}): z.infer<S> {
  if (options.filterOnly && raw.filter === undefined) throw new ApiError(400, 'the filter parameter is required: write the criteria as key::value pairs joined by |', undefined, '1025');
  const single: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(raw)) {
    if (Array.isArray(value)) throw new ApiError(400, `query parameter ${key.slice(0, 50)} is given more than once`, undefined, '1025');
    if (value !== undefined) single.push([key, value]);
  }
  const filter = single.find(([key]) => key === 'filter')?.[1];
  const pairs = filter !== undefined ? filterPairs(filter) : single;
  if (pairs.some(([key, value]) => hasControlCharacters(key) || hasControlCharacters(value))) {
    throw new ApiError(400, 'query parameters may not hold control characters', undefined, '1025');
  }
  // Own properties, whatever the names: `__proto__` is an unknown parameter like any other, not a prototype.
  const query = Object.fromEntries(pairs);
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
  throw new ApiError(400, `invalid query: ${problems.join('; ')}`, undefined, '1025');
}

/** NUL and other C0 controls: no name or filter holds them, and PostgreSQL text cannot store NUL. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
