import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { blobStoreCheck, MeasuredBlobStore, Metrics, natsCheck, postgresCheck, startProcessOps, useStructuredLogs, watchOutboxes } from '@swr/ops';
import { ConfigError } from '@swr/config';
import { JetStreamEventPublisher, natsServer } from '@swr/messaging';
import { accountLimitsFrom, garbageSettingsFrom, MetadataModule } from '@swr/metadata-feature';
import { METADATA_SCHEMA } from '@swr/metadata-infra';
import { openBlobStore } from '@swr/storage';
import { loadMetadataConfig } from './config';

/** The metadata service: answers the gateway's requests over NATS in the `metadata` queue group. */
async function main(): Promise<void> {
  const config = loadMetadataConfig();
  const logs = useStructuredLogs('metadata', config);
  const logger = new Logger('Metadata');
  const metrics = new Metrics('metadata');
  const blobStore = new MeasuredBlobStore(await openBlobStore(config), metrics);
  watchOutboxes(metrics, config.SWR_DATABASE_URL, { metadata: METADATA_SCHEMA });
  const events = await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL });
  const metadata = MetadataModule.forRoot({
    databaseUrl: config.SWR_DATABASE_URL,
    poolSize: config.SWR_DB_POOL_SIZE,
    limits: accountLimitsFrom(config),
    events,
    blobStore,
    garbage: garbageSettingsFrom(config),
  });
  const app = await NestFactory.createMicroservice(
    { module: class MetadataServiceModule {}, imports: [metadata] },
    { strategy: natsServer({ servers: config.SWR_NATS_URL, queue: 'metadata', name: 'swr-metadata', shutdownGraceMs: config.SWR_SHUTDOWN_GRACE_MS }), logger: logs },
  );
  const ops = await startProcessOps(metrics, config, { postgres: postgresCheck(config.SWR_DATABASE_URL), nats: natsCheck(config.SWR_NATS_URL), blobStore: blobStoreCheck(blobStore) });
  ops.stopOnSignals('metadata', app, (message) => logger.log(message));
  await app.listen();
  logger.log(`metadata service ready${ops.describe}`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
