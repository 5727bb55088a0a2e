import { env, loadConfig, logFormat, logLevel } from '@swr/config';
import { withBlobStore } from '@swr/storage';
import { z } from 'zod';

const common = {
  SWR_PORT: env.port(5000),
  SWR_HOST: env.string('0.0.0.0'),
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_LOG_LEVEL: logLevel(),
  SWR_LOG_FORMAT: logFormat(),
  SWR_REGISTRY_SERVICE: env.string('swr-registry'),
  SWR_REGION: env.string('local-1'),
  /** Where clients reach the registry, when a proxy in front hides it. */
  SWR_PUBLIC_URL: z.url().optional(),
  /** On SIGTERM, requests under way get this long to finish before their connections are closed. */
  SWR_SHUTDOWN_GRACE_MS: env.int(5_000, 0),
  /** On SIGTERM, how long the gateway keeps serving while it reports itself unready, before it stops taking connections. */
  SWR_SHUTDOWN_DELAY_MS: env.int(0, 0),
  /** The largest image archive one upload through the management API may send (2 GiB). */
  SWR_ARCHIVE_MAX_BYTES: env.int(2 * 1024 ** 3, 1),
};

const schema = withBlobStore(common);

export type GatewayConfig = z.infer<typeof schema>;
export const loadGatewayConfig = (vars: Record<string, string | undefined> = process.env) =>
  loadConfig(schema, { SWR_BLOB_STORE: 's3', ...vars });
