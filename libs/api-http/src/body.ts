import type { z } from 'zod';
import { ApiError } from './api-error';

/** Validates a request body against a schema; unknown or malformed fields are a 400 naming them. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  throw new ApiError(400, `invalid request: ${problems.join('; ')}`, undefined, '0014');
}
