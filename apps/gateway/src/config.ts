import { env, loadConfig, logLevel } from '@swr/config';
import { z } from 'zod';

const common = {
  SWR_PORT: env.port(5000),
  SWR_HOST: env.string('0.0.0.0'),
  SWR_NATS_URL: env.list('nats://127.0.0.1:4222'),
  SWR_LOG_LEVEL: logLevel(),
  SWR_REGISTRY_SERVICE: env.string('swr-registry'),
  SWR_REGION: env.string('local-1'),
  /** Where clients reach the registry, when a proxy in front hides it. */
  SWR_PUBLIC_URL: z.url().optional(),
};

/** S3 settings are asked for only when S3 is the blob store. */
const schema = z.discriminatedUnion('SWR_BLOB_STORE', [
  z.object({
    ...common,
    SWR_BLOB_STORE: z.literal('s3'),
    SWR_S3_ENDPOINT: z.string().min(1),
    SWR_S3_PORT: env.port(9000),
    SWR_S3_USE_SSL: env.boolean(false),
    SWR_S3_ACCESS_KEY: z.string().min(1),
    SWR_S3_SECRET_KEY: z.string().min(1),
    SWR_S3_BUCKET: env.string('swr'),
    SWR_S3_REGION: env.string('us-east-1'),
    /** Blob GETs answered with a 307 to a presigned URL: clients must reach SWR_S3_ENDPOINT themselves. */
    SWR_S3_REDIRECT: env.boolean(false),
  }),
  z.object({
    ...common,
    SWR_BLOB_STORE: z.literal('filesystem'),
    SWR_BLOB_DIR: z.string().min(1),
    SWR_FS_FSYNC: env.boolean(true),
  }),
]);

export type GatewayConfig = z.infer<typeof schema>;
export const loadGatewayConfig = (vars: Record<string, string | undefined> = process.env) =>
  loadConfig(schema, { SWR_BLOB_STORE: 's3', ...vars });
