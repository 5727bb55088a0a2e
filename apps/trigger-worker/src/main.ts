import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventConsumerMetrics, JobMetrics, Metrics, natsCheck, postgresCheck, redisCheck, startProcessOps, useStructuredLogs, watchOutboxes } from '@swr/ops';
import { ConfigError } from '@swr/config';
import { BullJobQueue } from '@swr/jobs';
import { JetStreamEventConsumer, JetStreamEventPublisher, natsServer } from '@swr/messaging';
import type { DeliveryJob } from '@swr/trigger-core';
import { addressPolicyFrom, TriggerModule } from '@swr/trigger-feature';
import { TRIGGER_SCHEMA } from '@swr/trigger-infra';
import { loadTriggerWorkerConfig } from './config';

/**
 * The trigger worker: turns image events into webhook deliveries (durable consumer `trigger`,
 * shared by its replicas), attempts them from a BullMQ queue, and answers trigger CRUD in the
 * `trigger` queue group.
 */
async function main(): Promise<void> {
  const config = loadTriggerWorkerConfig();
  const logs = useStructuredLogs('trigger-worker', config);
  const logger = new Logger('Triggers');
  const metrics = new Metrics('trigger-worker');
  const consumed = new EventConsumerMetrics(metrics, 'trigger');
  const events = await JetStreamEventConsumer.connect({
    servers: config.SWR_NATS_URL,
    durable: 'trigger',
    onError: (error) => logger.warn(`event handling: ${error instanceof Error ? error.message : String(error)}`),
    observer: consumed,
  });
  consumed.readPendingFrom(events);
  const publisher = await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL });
  const deliveries = new JobMetrics(metrics).queue(
    new BullJobQueue<DeliveryJob>({
      redisUrl: config.SWR_REDIS_URL,
      queue: 'swr-webhook-deliveries',
      attempts: config.SWR_WEBHOOK_ATTEMPTS,
      backoffMs: config.SWR_WEBHOOK_BACKOFF_MS,
      lockMs: config.SWR_WEBHOOK_LOCK_MS,
      onError: (error) => logger.warn(`deliveries: ${error instanceof Error ? error.message : String(error)}`),
    }),
  );
  watchOutboxes(metrics, config.SWR_DATABASE_URL, { trigger: TRIGGER_SCHEMA });
  const triggers = TriggerModule.forRoot({
    databaseUrl: config.SWR_DATABASE_URL,
    poolSize: config.SWR_DB_POOL_SIZE,
    events,
    publisher,
    deliveries,
    addresses: addressPolicyFrom(config),
    registryHost: new URL(config.SWR_PUBLIC_URL).host,
    encryptionKey: config.SWR_ENCRYPTION_KEY,
  });
  const app = await NestFactory.createMicroservice(
    { module: class TriggerWorkerModule {}, imports: [triggers] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'trigger', name: 'swr-trigger-worker', shutdownGraceMs: config.SWR_SHUTDOWN_GRACE_MS }), logger: logs },
  );
  const ops = await startProcessOps(metrics, config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL), redis: redisCheck(config.SWR_REDIS_URL) });
  ops.stopOnSignals('trigger worker', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`trigger worker ready${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
