import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { acceptEmptyJsonBodies } from '@swr/api-http';
import { ConfigError, logLevelsFrom } from '@swr/config';
import { DistributionModule } from '@swr/distribution-feature';
import { IamApiModule } from '@swr/iam-api';
import { NatsRpcClient } from '@swr/messaging';
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
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: class GatewayModule {}, imports: [
        DistributionModule.forRoot({
          blobStore: await blobStore(config),
          metadataRpc: rpc,
          iamRpc: rpc,
          service: config.SWR_REGISTRY_SERVICE,
          publicUrl: config.SWR_PUBLIC_URL,
        }),
        IamApiModule.forRoot({ iamRpc: rpc, region: config.SWR_REGION, publicUrl: config.SWR_PUBLIC_URL }),
      ],
    },
    new FastifyAdapter({ bodyLimit: 4 * 1024 * 1024 }),
    { logger: logLevelsFrom(config.SWR_LOG_LEVEL), bodyParser: false },
  );
  acceptEmptyJsonBodies(app.getHttpAdapter().getInstance());
  app.enableShutdownHooks();
  await app.listen(config.SWR_PORT, config.SWR_HOST);
  logger.log(`gateway listening on ${config.SWR_HOST}:${config.SWR_PORT}`);
  app.getHttpServer().once('close', () => void rpc.close());
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
