import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditModule } from '@swr/audit-feature';
import { EventConsumerMetrics, JobMetrics, Metrics, natsCheck, postgresCheck, redisCheck, startProcessOps, useStructuredLogs } from '@swr/ops';
import { ConfigError } from '@swr/config';
import { BullJobScheduler } from '@swr/jobs';
import { JetStreamEventConsumer, natsServer } from '@swr/messaging';
import { loadAuditWorkerConfig } from './config';

/**
 * The audit worker: consumes every event into the trail (durable consumer `audit`, shared by its
 * replicas), prunes it on a BullMQ schedule, and answers trail queries in the `audit` queue group.
 */
async function main(): Promise<void> {
  const config = loadAuditWorkerConfig();
  const logs = useStructuredLogs('audit-worker', config);
  const logger = new Logger('Audit');
  const metrics = new Metrics('audit-worker');
  const consumed = new EventConsumerMetrics(metrics, 'audit');
  const events = await JetStreamEventConsumer.connect({
    servers: config.SWR_NATS_URL,
    durable: 'audit',
    onError: (error) => logger.warn(`event handling: ${error instanceof Error ? error.message : String(error)}`),
    observer: consumed,
  });
  consumed.readPendingFrom(events);
  const jobs = new JobMetrics(metrics).scheduler(
    new BullJobScheduler({ redisUrl: config.SWR_REDIS_URL, queue: 'swr-audit', onError: (error) => logger.warn(`retention job: ${String(error)}`) }),
  );
  const audit = AuditModule.forRoot({ databaseUrl: config.SWR_DATABASE_URL, poolSize: config.SWR_DB_POOL_SIZE, events, jobs, retentionDays: config.SWR_AUDIT_RETENTION_DAYS });
  const app = await NestFactory.createMicroservice(
    { module: class AuditWorkerModule {}, imports: [audit] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'audit', name: 'swr-audit-worker', shutdownGraceMs: config.SWR_SHUTDOWN_GRACE_MS }), logger: logs },
  );
  const ops = await startProcessOps(metrics, config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL), redis: redisCheck(config.SWR_REDIS_URL) });
  ops.stopOnSignals('audit worker', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`audit worker ready${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
