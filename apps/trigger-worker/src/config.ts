import { OPS_ENVIRONMENT } from '@swr/ops';
import { encryptionKey, env, loadConfig, logFormat, logLevel } from '@swr/config';
import { TRIGGER_ENVIRONMENT } from '@swr/trigger-feature';
import { z } from 'zod';

const schema = z.object({
  ...TRIGGER_ENVIRONMENT,
  SWR_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  SWR_DB_POOL_SIZE: env.int(5, 1),
  /** Seals webhook secrets at rest (the same key as IAM's is fine). */
  SWR_ENCRYPTION_KEY: encryptionKey,
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** Where clients reach the registry: the host of the pull addresses deliveries carry. */
  SWR_PUBLIC_URL: z.url().default('http://localhost:5000'),
  /** How long a delivery stays with a worker that stopped answering (killed) before another takes it. */
  SWR_WEBHOOK_LOCK_MS: env.int(30_000, 1_000),
  SWR_LOG_LEVEL: logLevel(),
  SWR_LOG_FORMAT: logFormat(),
  ...OPS_ENVIRONMENT,
});

export const loadTriggerWorkerConfig = (vars?: Record<string, string | undefined>) => loadConfig(schema, vars);
