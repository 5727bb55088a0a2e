import { OPS_ENVIRONMENT } from '@swr/ops';
import { env, loadConfig, logFormat, logLevel } from '@swr/config';
import { withBlobStore } from '@swr/storage';
import { SYNC_ENVIRONMENT } from '@swr/sync-feature';
import { z } from 'zod';

/** The sync worker reads blobs straight from the blob store the gateways write: the same store settings. */
const schema = withBlobStore({
  ...SYNC_ENVIRONMENT,
  SWR_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  SWR_DB_POOL_SIZE: env.int(5, 1),
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** Jobs one replica copies at once. */
  SWR_SYNC_CONCURRENCY: env.int(2, 1),
  /** A job whose replica died is taken over about one to two of these later. */
  SWR_SYNC_LOCK_MS: env.int(30_000, 1_000),
  SWR_LOG_LEVEL: logLevel(),
  SWR_LOG_FORMAT: logFormat(),
  ...OPS_ENVIRONMENT,
});

export const loadSyncWorkerConfig = (vars: Record<string, string | undefined> = process.env) => loadConfig(schema, { SWR_BLOB_STORE: 's3', ...vars });
