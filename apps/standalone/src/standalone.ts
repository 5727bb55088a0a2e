import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { startEmbeddedPostgres } from '@swr/db';
import { DistributionModule } from '@swr/distribution-feature';
import { InProcessBus, InProcessRpcClient, InProcessServer } from '@swr/messaging';
import { MetadataModule } from '@swr/metadata-feature';
import { FilesystemBlobStore } from '@swr/storage';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { StandaloneConfig } from './config';

export interface RunningRegistry {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/**
 * Every service of the registry in one process: embedded PostgreSQL, filesystem blobs and the
 * in-process transport in place of NATS. Same modules and contracts as the distributed services.
 */
export async function startStandalone(config: StandaloneConfig): Promise<RunningRegistry> {
  const dataDir = resolve(config.SWR_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const logLevels = LEVELS.slice(0, LEVELS.indexOf(config.SWR_LOG_LEVEL) + 1);
  const postgres = await startEmbeddedPostgres({
    dataDir: resolve(dataDir, 'postgres'),
    port: config.SWR_DB_PORT || (await freePort()),
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
      { logger: logLevels },
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
