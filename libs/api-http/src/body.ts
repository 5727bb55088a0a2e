import type { z } from 'zod';
import { ApiError } from './api-error';

/** Validates a request body against a schema; unknown or malformed fields are a 400 naming them. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (holdsNul(body)) throw new ApiError(400, 'invalid request: text may not hold NUL characters', undefined, '0014');
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  throw new ApiError(400, `invalid request: ${problems.join('; ')}`, undefined, '0014');
}

/** PostgreSQL text cannot hold NUL; no field of ours needs it. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([key, v]) => key.includes('\u0000') || holdsNul(v));
  return false;
}
