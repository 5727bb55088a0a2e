import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { natsCheck, postgresCheck, startProcessOps } from '@swr/ops';
import { ConfigError, logLevelsFrom } from '@swr/config';
import { iamSettingsFrom, IamModule } from '@swr/iam-feature';
import { JetStreamEventPublisher, natsServer } from '@swr/messaging';
import { loadIamConfig } from './config';

/** The IAM service: answers requests over NATS in the `iam` queue group. */
async function main(): Promise<void> {
  const logger = new Logger('IAM');
  const config = loadIamConfig();
  const events = await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL });
  const settings = iamSettingsFrom(config, config.SWR_DATABASE_URL, config.SWR_ENCRYPTION_KEY, config.SWR_DB_POOL_SIZE);
  const app = await NestFactory.createMicroservice(
    { module: class IamServiceModule {}, imports: [IamModule.forRoot(settings, events)] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'iam', name: 'swr-iam' }), logger: logLevelsFrom(config.SWR_LOG_LEVEL) },
  );
  const ops = await startProcessOps('iam', config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL) });
  ops.stopOnSignals('iam', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`IAM service ready${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
