import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { blobStoreCheck, EventConsumerMetrics, JobMetrics, MeasuredBlobStore, MeasuredRpcClient, Metrics, natsCheck, postgresCheck, redisCheck, startProcessOps, useStructuredLogs, watchOutboxes } from '@swr/ops';
import { ConfigError } from '@swr/config';
import { BullJobQueue } from '@swr/jobs';
import { JetStreamEventConsumer, JetStreamEventPublisher, NatsRpcClient, natsServer } from '@swr/messaging';
import { openBlobStore } from '@swr/storage';
import { SyncModule, SyncQueueJob } from '@swr/sync-feature';
import { SYNC_SCHEMA } from '@swr/sync-infra';
import { loadSyncWorkerConfig } from './config';

/**
 * The sync worker: copies tags to other regions from a BullMQ queue (one job per tag, resumed by
 * another replica when this one dies), turns pushes into jobs for the auto-sync rules (durable
 * consumer `sync`), and answers the sync API in the `sync` queue group.
 */
async function main(): Promise<void> {
  const config = loadSyncWorkerConfig();
  const logs = useStructuredLogs('sync-worker', config);
  const logger = new Logger('Sync');
  const metrics = new Metrics('sync-worker');
  const onError = (what: string) => (error: unknown) => logger.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  const blobStore = new MeasuredBlobStore(await openBlobStore(config), metrics);
  const consumed = new EventConsumerMetrics(metrics, 'sync');
  const events = await JetStreamEventConsumer.connect({ servers: config.SWR_NATS_URL, durable: 'sync', onError: onError('event handling'), observer: consumed });
  consumed.readPendingFrom(events);
  const nats = new NatsRpcClient({ servers: config.SWR_NATS_URL, name: 'swr-sync-worker' });
  await nats.connect();
  watchOutboxes(metrics, config.SWR_DATABASE_URL, { sync: SYNC_SCHEMA });
  const sync = SyncModule.forRoot({
    databaseUrl: config.SWR_DATABASE_URL,
    poolSize: config.SWR_DB_POOL_SIZE,
    rpc: new MeasuredRpcClient(nats, metrics),
    blobStore,
    events,
    publisher: await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL }),
    jobs: new JobMetrics(metrics).queue(new BullJobQueue<SyncQueueJob>({
      redisUrl: config.SWR_REDIS_URL,
      queue: 'swr-sync-jobs',
      attempts: config.SWR_SYNC_ATTEMPTS,
      backoffMs: 2_000,
      concurrency: config.SWR_SYNC_CONCURRENCY,
      lockMs: config.SWR_SYNC_LOCK_MS,
      onError: onError('sync job'),
    })),
    regions: config.SWR_SYNC_REGIONS,
    peerKey: config.SWR_SYNC_PEER_KEY,
    jobTimeoutMs: config.SWR_SYNC_JOB_TIMEOUT_MINUTES * 60_000,
    chunkBytes: config.SWR_SYNC_CHUNK_MIB * 1024 * 1024,
    parallelBlobs: config.SWR_SYNC_PARALLEL_BLOBS,
  });
  const app = await NestFactory.createMicroservice(
    { module: class SyncWorkerModule {}, imports: [sync] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'sync', name: 'swr-sync-worker', shutdownGraceMs: config.SWR_SHUTDOWN_GRACE_MS }), logger: logs },
  );
  const ops = await startProcessOps(metrics, config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL), redis: redisCheck(config.SWR_REDIS_URL), blobStore: blobStoreCheck(blobStore) });
  ops.stopOnSignals('sync worker', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`sync worker ready; regions: ${[...config.SWR_SYNC_REGIONS.keys()].join(', ') || 'none'}${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
