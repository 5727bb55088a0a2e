import { OPS_ENVIRONMENT } from '@swr/ops';
import { encryptionKey, env, loadConfig, logFormat, logLevel } from '@swr/config';
import { IAM_ENVIRONMENT } from '@swr/iam-feature';
import { z } from 'zod';

const schema = z.object({
  ...IAM_ENVIRONMENT,
  SWR_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  SWR_DB_POOL_SIZE: env.int(10, 1),
  SWR_ENCRYPTION_KEY: encryptionKey,
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_LOG_LEVEL: logLevel(),
  SWR_LOG_FORMAT: logFormat(),
  ...OPS_ENVIRONMENT,
});

export const loadIamConfig = (vars?: Record<string, string | undefined>) => loadConfig(schema, vars);
