import { OPS_ENVIRONMENT } from '@swr/ops';
import { env, loadConfig, logFormat, logLevel } from '@swr/config';
import { METADATA_ENVIRONMENT } from '@swr/metadata-feature';
import { withBlobStore } from '@swr/storage';
import { z } from 'zod';

/** Metadata reaches the blob store too: garbage collection deletes blobs inside the transaction that decides it. */
const schema = withBlobStore({
  ...METADATA_ENVIRONMENT,
  SWR_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  SWR_DB_POOL_SIZE: env.int(10, 1),
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_LOG_LEVEL: logLevel(),
  SWR_LOG_FORMAT: logFormat(),
  ...OPS_ENVIRONMENT,
});

export const loadMetadataConfig = (vars: Record<string, string | undefined> = process.env) => loadConfig(schema, { SWR_BLOB_STORE: 's3', ...vars });
