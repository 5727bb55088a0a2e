import { env, loadConfig, logLevel } from '@swr/config';
import { METADATA_ENVIRONMENT } from '@swr/metadata-feature';
import { z } from 'zod';

const schema = z.object({
  ...METADATA_ENVIRONMENT,
  SWR_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  SWR_DB_POOL_SIZE: env.int(10, 1),
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_LOG_LEVEL: logLevel(),
});

export const loadMetadataConfig = (vars?: Record<string, string | undefined>) => loadConfig(schema, vars);
