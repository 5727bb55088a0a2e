import { encryptionKey, env, loadConfig, logFormat, logLevel } from '@swr/config';
import { IAM_ENVIRONMENT } from '@swr/iam-feature';
import { METADATA_ENVIRONMENT } from '@swr/metadata-feature';
import { AUDIT_ENVIRONMENT } from '@swr/audit-feature';
import { TRIGGER_ENVIRONMENT } from '@swr/trigger-feature';
import { RETENTION_ENVIRONMENT } from '@swr/retention-feature';
import { SYNC_ENVIRONMENT } from '@swr/sync-feature';
import { z } from 'zod';

const schema = z.object({
  ...IAM_ENVIRONMENT,
  ...METADATA_ENVIRONMENT,
  ...AUDIT_ENVIRONMENT,
  ...TRIGGER_ENVIRONMENT,
  ...RETENTION_ENVIRONMENT,
  ...SYNC_ENVIRONMENT,
  /** Generated into the data directory on first start when unset. */
  SWR_ENCRYPTION_KEY: encryptionKey.optional(),
  /** Where clients reach the registry, when a proxy in front hides it. */
  SWR_PUBLIC_URL: z.url().optional(),
  SWR_PORT: env.port(5000),
  /** Loopback by default: until a client authenticates, only this machine should reach the registry. */
  SWR_HOST: env.string('127.0.0.1'),
  SWR_DATA_DIR: env.string('./data'),
  /** Port of the embedded PostgreSQL on 127.0.0.1; 0 picks a free one at each start. */
  SWR_DB_PORT: env.port(0),
  SWR_FS_FSYNC: env.boolean(true),
  /** The largest image archive one upload through the management API may send (2 GiB). */
  SWR_ARCHIVE_MAX_BYTES: env.int(2 * 1024 ** 3, 1),
  SWR_LOG_LEVEL: logLevel(),
  SWR_LOG_FORMAT: logFormat(),
});

export type StandaloneConfig = z.infer<typeof schema>;
export const loadStandaloneConfig = (vars?: Record<string, string | undefined>) => loadConfig(schema, vars);
