import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventConsumerMetrics, JobMetrics, MeasuredRpcClient, Metrics, natsCheck, postgresCheck, redisCheck, startProcessOps, useStructuredLogs, watchOutboxes } from '@swr/ops';
import { ConfigError } from '@swr/config';
import { BullJobQueue, BullJobScheduler } from '@swr/jobs';
import { JetStreamEventConsumer, JetStreamEventPublisher, NatsRpcClient, natsServer } from '@swr/messaging';
import { RetentionJob, RetentionModule } from '@swr/retention-feature';
import { RETENTION_SCHEMA } from '@swr/retention-infra';
import { loadRetentionWorkerConfig } from './config';

const HOUR_MS = 3_600_000;

/**
 * The retention worker: applies repositories' retention policies (when set, daily, on demand) from
 * a BullMQ queue, schedules garbage collection in the metadata service, answers policy CRUD in the
 * `retention` queue group, and forgets deleted repositories' policies (durable consumer `retention`).
 */
async function main(): Promise<void> {
  const config = loadRetentionWorkerConfig();
  const logs = useStructuredLogs('retention-worker', config);
  const logger = new Logger('Retention');
  const metrics = new Metrics('retention-worker');
  const onError = (what: string) => (error: unknown) => logger.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  const consumed = new EventConsumerMetrics(metrics, 'retention');
  const events = await JetStreamEventConsumer.connect({ servers: config.SWR_NATS_URL, durable: 'retention', onError: onError('event handling'), observer: consumed });
  consumed.readPendingFrom(events);
  const nats = new NatsRpcClient({ servers: config.SWR_NATS_URL, name: 'swr-retention-worker' });
  await nats.connect();
  const jobs = new JobMetrics(metrics);
  watchOutboxes(metrics, config.SWR_DATABASE_URL, { retention: RETENTION_SCHEMA });
  const retention = RetentionModule.forRoot({
    databaseUrl: config.SWR_DATABASE_URL,
    poolSize: config.SWR_DB_POOL_SIZE,
    rpc: new MeasuredRpcClient(nats, metrics),
    events,
    publisher: await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL }),
    jobs: jobs.queue(
      new BullJobQueue<RetentionJob>({ redisUrl: config.SWR_REDIS_URL, queue: 'swr-retention-runs', attempts: 3, backoffMs: 5_000, concurrency: 2, onError: onError('retention run') }),
    ),
    schedules: {
      retention: jobs.scheduler(new BullJobScheduler({ redisUrl: config.SWR_REDIS_URL, queue: 'swr-retention-schedule', onError: onError('retention schedule') })),
      garbage: jobs.scheduler(new BullJobScheduler({ redisUrl: config.SWR_REDIS_URL, queue: 'swr-gc-schedule', onError: onError('garbage collection schedule') })),
    },
    retentionEveryMs: config.SWR_RETENTION_EVERY_HOURS * HOUR_MS,
    gcEveryMs: config.SWR_GC_EVERY_MINUTES * 60_000,
  });
  const app = await NestFactory.createMicroservice(
    { module: class RetentionWorkerModule {}, imports: [retention] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'retention', name: 'swr-retention-worker', shutdownGraceMs: config.SWR_SHUTDOWN_GRACE_MS }), logger: logs },
  );
  const ops = await startProcessOps(metrics, config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL), redis: redisCheck(config.SWR_REDIS_URL) });
  ops.stopOnSignals('retention worker', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`retention worker ready${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
