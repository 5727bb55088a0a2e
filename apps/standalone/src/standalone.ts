import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { logLevelsFrom } from '@swr/config';
import { startEmbeddedPostgres } from '@swr/db';
import { DistributionModule } from '@swr/distribution-feature';
import { InProcessBus, InProcessRpcClient, InProcessServer } from '@swr/messaging';
import { MetadataModule } from '@swr/metadata-feature';
import { FilesystemBlobStore } from '@swr/storage';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StandaloneConfig } from './config';

export interface RunningRegistry {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Every service of the registry in one process: embedded PostgreSQL, filesystem blobs and the
 * in-process transport in place of NATS. Same modules and contracts as the distributed services.
 */
export async function startStandalone(config: StandaloneConfig): Promise<RunningRegistry> {
  const dataDir = resolve(config.SWR_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({
    dataDir: resolve(dataDir, 'postgres'),
    port: config.SWR_DB_PORT,
    durable: true,
  });
  const bus = new InProcessBus();
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      {
        module: class StandaloneModule {},
        imports: [
          MetadataModule.forRoot({ databaseUrl: postgres.url }),
          DistributionModule.forRoot({
            blobStore: new FilesystemBlobStore(resolve(dataDir, 'blobs'), { fsync: config.SWR_FS_FSYNC }),
            metadataRpc: new InProcessRpcClient(bus),
          }),
        ],
      },
      new FastifyAdapter({ bodyLimit: 4 * 1024 * 1024 }),
      { logger: logLevelsFrom(config.SWR_LOG_LEVEL) },
    );
    app.connectMicroservice({ strategy: new InProcessServer(bus) });
    await app.startAllMicroservices();
    await app.listen(config.SWR_PORT, config.SWR_HOST);
    const port = (app.getHttpServer().address() as { port: number }).port;
    return {
      url: `http://${config.SWR_HOST}:${port}`,
      port,
      stop: async () => {
        await app.close();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
