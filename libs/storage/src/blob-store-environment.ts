import { env } from '@swr/config';
import type { BlobStore } from '@swr/blob-store';
import { z } from 'zod';
import { FilesystemBlobStore } from './filesystem-blob-store';
import { S3BlobStore } from './s3-blob-store';

/** S3 settings, asked for only when S3 is the blob store. */
const S3_ENVIRONMENT = {
  SWR_BLOB_STORE: z.literal('s3'),
  SWR_S3_ENDPOINT: z.string().min(1),
  SWR_S3_PORT: env.port(9000),
  SWR_S3_USE_SSL: env.boolean(false),
  SWR_S3_ACCESS_KEY: z.string().min(1),
  SWR_S3_SECRET_KEY: z.string().min(1),
  SWR_S3_BUCKET: env.string('swr'),
  SWR_S3_REGION: env.string('us-east-1'),
  /** Bodies of a declared length up to this go to S3 in one streamed PUT; longer ones in a multipart upload. */
  SWR_S3_SINGLE_PUT_MAX_MIB: z.coerce.number().int().min(0).max(5120).default(5120),
  /** Blob GETs answered with a 307 to a presigned URL: clients must reach SWR_S3_ENDPOINT themselves. Read by the gateway. */
  SWR_S3_REDIRECT: env.boolean(false),
};

const FILESYSTEM_ENVIRONMENT = {
  SWR_BLOB_STORE: z.literal('filesystem'),
  SWR_BLOB_DIR: z.string().min(1),
  SWR_FS_FSYNC: env.boolean(true),
};

/**
 * The configuration of a process that reaches the blob store (the gateways, which stream blobs,
 * and metadata, which collects garbage): `common` plus the chosen store's settings. The two must
 * name the same store.
 */
export function withBlobStore<T extends z.ZodRawShape>(common: T) {
  return z.discriminatedUnion('SWR_BLOB_STORE', [z.object({ ...common, ...S3_ENVIRONMENT }), z.object({ ...common, ...FILESYSTEM_ENVIRONMENT })]);
}

export type BlobStoreConfig = z.infer<z.ZodObject<typeof S3_ENVIRONMENT>> | z.infer<z.ZodObject<typeof FILESYSTEM_ENVIRONMENT>>;

/** The configured store, its bucket created when missing. */
export async function openBlobStore(config: BlobStoreConfig): Promise<BlobStore> {
  if (config.SWR_BLOB_STORE === 'filesystem') return new FilesystemBlobStore(config.SWR_BLOB_DIR, { fsync: config.SWR_FS_FSYNC });
  const store = new S3BlobStore({
    endPoint: config.SWR_S3_ENDPOINT,
    port: config.SWR_S3_PORT,
    useSSL: config.SWR_S3_USE_SSL,
    accessKey: config.SWR_S3_ACCESS_KEY,
    secretKey: config.SWR_S3_SECRET_KEY,
    bucket: config.SWR_S3_BUCKET,
    region: config.SWR_S3_REGION,
    singlePutMaxSize: config.SWR_S3_SINGLE_PUT_MAX_MIB * 1024 * 1024,
  });
  await store.ensureBucket();
  return store;
}
