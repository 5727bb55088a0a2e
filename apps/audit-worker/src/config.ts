import { OPS_ENVIRONMENT } from '@swr/ops';
import { AUDIT_ENVIRONMENT } from '@swr/audit-feature';
import { env, loadConfig, logFormat, logLevel } from '@swr/config';
import { z } from 'zod';

const schema = z.object({
  ...AUDIT_ENVIRONMENT,
  SWR_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  SWR_DB_POOL_SIZE: env.int(5, 1),
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  SWR_LOG_LEVEL: logLevel(),
  SWR_LOG_FORMAT: logFormat(),
  ...OPS_ENVIRONMENT,
});

export const loadAuditWorkerConfig = (vars?: Record<string, string | undefined>) => loadConfig(schema, vars);
