import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Metrics, natsCheck, postgresCheck, startProcessOps, useStructuredLogs, watchOutboxes } from '@swr/ops';
import { ConfigError } from '@swr/config';
import { iamSettingsFrom, IamModule } from '@swr/iam-feature';
import { IAM_SCHEMA } from '@swr/iam-infra';
import { JetStreamEventPublisher, natsServer } from '@swr/messaging';
import { loadIamConfig } from './config';

/** The IAM service: answers requests over NATS in the `iam` queue group. */
async function main(): Promise<void> {
  const config = loadIamConfig();
  const logs = useStructuredLogs('iam', config);
  const logger = new Logger('IAM');
  const metrics = new Metrics('iam');
  watchOutboxes(metrics, config.SWR_DATABASE_URL, { iam: IAM_SCHEMA });
  const events = await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL });
  const settings = iamSettingsFrom(config, config.SWR_DATABASE_URL, config.SWR_ENCRYPTION_KEY, config.SWR_DB_POOL_SIZE);
  const app = await NestFactory.createMicroservice(
    { module: class IamServiceModule {}, imports: [IamModule.forRoot(settings, events)] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'iam', name: 'swr-iam', shutdownGraceMs: config.SWR_SHUTDOWN_GRACE_MS }), logger: logs },
  );
  const ops = await startProcessOps(metrics, config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL) });
  ops.stopOnSignals('iam', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`IAM service ready${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
