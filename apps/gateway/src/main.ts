import { Logger } from '@nestjs/common';
import { ConfigError } from '@swr/config';
import { createGatewayApp } from '@swr/gateway-shell';
import { JetStreamEventPublisher, NatsRpcClient } from '@swr/messaging';
import type { BlobStore } from '@swr/blob-store';
import { FilesystemBlobStore, S3BlobStore } from '@swr/storage';
import { GatewayConfig, loadGatewayConfig } from './config';

async function blobStore(config: GatewayConfig): Promise<BlobStore> {
  if (config.SWR_BLOB_STORE === 'filesystem') return new FilesystemBlobStore(config.SWR_BLOB_DIR, { fsync: config.SWR_FS_FSYNC });
  const store = new S3BlobStore({
    endPoint: config.SWR_S3_ENDPOINT,
    port: config.SWR_S3_PORT,
    useSSL: config.SWR_S3_USE_SSL,
    accessKey: config.SWR_S3_ACCESS_KEY,
    secretKey: config.SWR_S3_SECRET_KEY,
    bucket: config.SWR_S3_BUCKET,
    region: config.SWR_S3_REGION,
  });
  await store.ensureBucket();
  return store;
}

/** The HTTP entry of distributed mode: OCI Distribution under /v2/, metadata over NATS, blobs in S3. */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = new Logger('Gateway');
  // One connection reaches every service: subjects, not connections, tell them apart.
  const rpc = new NatsRpcClient({ servers: config.SWR_NATS_URL, name: 'swr-gateway' });
  await rpc.connect();
  const events = await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL });
  const app = await createGatewayApp({
    blobStore: await blobStore(config),
    rpc,
    events,
    service: config.SWR_REGISTRY_SERVICE,
    region: config.SWR_REGION,
    publicUrl: config.SWR_PUBLIC_URL,
    redirectBlobReads: config.SWR_BLOB_STORE === 's3' && config.SWR_S3_REDIRECT,
    logLevel: config.SWR_LOG_LEVEL,
  });
  app.enableShutdownHooks();
  await app.listen(config.SWR_PORT, config.SWR_HOST);
  logger.log(`gateway listening on ${config.SWR_HOST}:${config.SWR_PORT}`);
  app.getHttpServer().once('close', () => void Promise.all([rpc.close(), events.close()]));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
