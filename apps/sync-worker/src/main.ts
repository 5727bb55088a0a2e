import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { blobStoreCheck, natsCheck, postgresCheck, redisCheck, startProcessOps } from '@swr/ops';
import { ConfigError, logLevelsFrom } from '@swr/config';
import { BullJobQueue } from '@swr/jobs';
import { JetStreamEventConsumer, JetStreamEventPublisher, NatsRpcClient, natsServer } from '@swr/messaging';
import { openBlobStore } from '@swr/storage';
import { SyncModule, SyncQueueJob } from '@swr/sync-feature';
import { loadSyncWorkerConfig } from './config';

/**
 * The sync worker: copies tags to other regions from a BullMQ queue (one job per tag, resumed by
 * another replica when this one dies), turns pushes into jobs for the auto-sync rules (durable
 * consumer `sync`), and answers the sync API in the `sync` queue group.
 */
async function main(): Promise<void> {
  const config = loadSyncWorkerConfig();
  const logger = new Logger('Sync');
  const onError = (what: string) => (error: unknown) => logger.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  const blobStore = await openBlobStore(config);
  const events = await JetStreamEventConsumer.connect({ servers: config.SWR_NATS_URL, durable: 'sync', onError: onError('event handling') });
  const rpc = new NatsRpcClient({ servers: config.SWR_NATS_URL, name: 'swr-sync-worker' });
  await rpc.connect();
  const sync = SyncModule.forRoot({
    databaseUrl: config.SWR_DATABASE_URL,
    poolSize: config.SWR_DB_POOL_SIZE,
    rpc,
    blobStore,
    events,
    publisher: await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL }),
    jobs: new BullJobQueue<SyncQueueJob>({
      redisUrl: config.SWR_REDIS_URL,
      queue: 'swr-sync-jobs',
      attempts: config.SWR_SYNC_ATTEMPTS,
      backoffMs: 2_000,
      concurrency: config.SWR_SYNC_CONCURRENCY,
      lockMs: config.SWR_SYNC_LOCK_MS,
      onError: onError('sync job'),
    }),
    regions: config.SWR_SYNC_REGIONS,
    peerKey: config.SWR_SYNC_PEER_KEY,
    jobTimeoutMs: config.SWR_SYNC_JOB_TIMEOUT_MINUTES * 60_000,
    chunkBytes: config.SWR_SYNC_CHUNK_MIB * 1024 * 1024,
    parallelBlobs: config.SWR_SYNC_PARALLEL_BLOBS,
  });
  const app = await NestFactory.createMicroservice(
    { module: class SyncWorkerModule {}, imports: [sync] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'sync', name: 'swr-sync-worker' }), logger: logLevelsFrom(config.SWR_LOG_LEVEL) },
  );
  const ops = await startProcessOps('sync-worker', config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL), redis: redisCheck(config.SWR_REDIS_URL), blobStore: blobStoreCheck(blobStore) });
  ops.stopOnSignals('sync worker', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`sync worker ready; regions: ${[...config.SWR_SYNC_REGIONS.keys()].join(', ') || 'none'}${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
