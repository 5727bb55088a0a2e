import { z } from 'zod';

/** Raised at boot with every bad variable listed at once, so one restart fixes them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses environment variables against an app's schema. The only place that reads the environment. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
}

export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  string: (fallback: string) => z.string().min(1).default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  list: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
};

export type LogLevelName = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';

/** `SWR_LOG_LEVEL`, validated. */
export const logLevel = () => z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log');

/** `SWR_LOG_FORMAT`: JSON lines, or plain lines for a terminal; unset, the logger picks by whether stdout is a terminal. */
export const logFormat = () => z.enum(['json', 'pretty']).optional();

/** `SWR_ENCRYPTION_KEY`: 32 random bytes, base64 (`openssl rand -base64 32`), that seal secrets at rest. */
export const encryptionKey = z
  .string()
  .transform((v) => Buffer.from(v, 'base64'))
  .refine((key) => key.length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');
