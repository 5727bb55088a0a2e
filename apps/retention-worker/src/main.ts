import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { natsCheck, postgresCheck, redisCheck, startProcessOps } from '@swr/ops';
import { ConfigError, logLevelsFrom } from '@swr/config';
import { BullJobQueue, BullJobScheduler } from '@swr/jobs';
import { JetStreamEventConsumer, JetStreamEventPublisher, NatsRpcClient, natsServer } from '@swr/messaging';
import { RetentionJob, RetentionModule } from '@swr/retention-feature';
import { loadRetentionWorkerConfig } from './config';

const HOUR_MS = 3_600_000;

/**
 * The retention worker: applies repositories' retention policies (when set, daily, on demand) from
 * a BullMQ queue, schedules garbage collection in the metadata service, answers policy CRUD in the
 * `retention` queue group, and forgets deleted repositories' policies (durable consumer `retention`).
 */
async function main(): Promise<void> {
  const config = loadRetentionWorkerConfig();
  const logger = new Logger('Retention');
  const onError = (what: string) => (error: unknown) => logger.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  const events = await JetStreamEventConsumer.connect({ servers: config.SWR_NATS_URL, durable: 'retention', onError: onError('event handling') });
  const rpc = new NatsRpcClient({ servers: config.SWR_NATS_URL, name: 'swr-retention-worker' });
  await rpc.connect();
  const retention = RetentionModule.forRoot({
    databaseUrl: config.SWR_DATABASE_URL,
    poolSize: config.SWR_DB_POOL_SIZE,
    rpc,
    events,
    publisher: await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL }),
    jobs: new BullJobQueue<RetentionJob>({ redisUrl: config.SWR_REDIS_URL, queue: 'swr-retention-runs', attempts: 3, backoffMs: 5_000, concurrency: 2, onError: onError('retention run') }),
    schedules: {
      retention: new BullJobScheduler({ redisUrl: config.SWR_REDIS_URL, queue: 'swr-retention-schedule', onError: onError('retention schedule') }),
      garbage: new BullJobScheduler({ redisUrl: config.SWR_REDIS_URL, queue: 'swr-gc-schedule', onError: onError('garbage collection schedule') }),
    },
    retentionEveryMs: config.SWR_RETENTION_EVERY_HOURS * HOUR_MS,
    gcEveryMs: config.SWR_GC_EVERY_MINUTES * 60_000,
  });
  const app = await NestFactory.createMicroservice(
    { module: class RetentionWorkerModule {}, imports: [retention] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'retention', name: 'swr-retention-worker' }), logger: logLevelsFrom(config.SWR_LOG_LEVEL) },
  );
  const ops = await startProcessOps('retention-worker', config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL), redis: redisCheck(config.SWR_REDIS_URL) });
  ops.stopOnSignals('retention worker', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`retention worker ready${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
