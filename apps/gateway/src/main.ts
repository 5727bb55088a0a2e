import { Logger } from '@nestjs/common';
import { ConfigError, stopOnSignals } from '@swr/config';
import { createGatewayApp } from '@swr/gateway-shell';
import { JetStreamEventPublisher, NatsRpcClient } from '@swr/messaging';
import { blobStoreCheck, describeDependencies, MeasuredBlobStore, MeasuredRpcClient, Metrics, natsCheck, OpsEndpoints, Readiness, useStructuredLogs } from '@swr/ops';
import { openBlobStore } from '@swr/storage';
import { loadGatewayConfig } from './config';

/** The HTTP entry of distributed mode: OCI Distribution under /v2/, metadata over NATS, blobs in S3. */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logs = useStructuredLogs('gateway', config);
  const logger = new Logger('Gateway');
  const metrics = new Metrics('gateway');
  // One connection reaches every service: subjects, not connections, tell them apart.
  const nats = new NatsRpcClient({ servers: config.SWR_NATS_URL, name: 'swr-gateway' });
  await nats.connect();
  const rpc = new MeasuredRpcClient(nats, metrics);
  const events = await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL });
  const blobStore = new MeasuredBlobStore(await openBlobStore(config), metrics);
  const readiness = new Readiness({ nats: natsCheck(config.SWR_NATS_URL), blobStore: blobStoreCheck(blobStore) });
  const app = await createGatewayApp({
    blobStore,
    ops: new OpsEndpoints(readiness, metrics),
    rpc,
    events,
    service: config.SWR_REGISTRY_SERVICE,
    region: config.SWR_REGION,
    publicUrl: config.SWR_PUBLIC_URL,
    archiveMaxBytes: config.SWR_ARCHIVE_MAX_BYTES,
    redirectBlobReads: config.SWR_BLOB_STORE === 's3' && config.SWR_S3_REDIRECT,
    logger: logs,
  });
  stopOnSignals(
    'gateway',
    async () => {
      // Unready but still serving, until load balancers have seen it and send nothing new.
      await new Promise((resolve) => setTimeout(resolve, config.SWR_SHUTDOWN_DELAY_MS));
      // Connections a client keeps open (a docker daemon's) would hold the close forever: past the grace, they are closed.
      const deadline = setTimeout(() => app.getHttpServer().closeAllConnections(), config.SWR_SHUTDOWN_GRACE_MS);
      await app.close();
      clearTimeout(deadline);
    },
    (message) => logger.log(message),
    () => readiness.drain(),
  );
  await app.listen(config.SWR_PORT, config.SWR_HOST);
  logger.log(`gateway listening on ${config.SWR_HOST}:${config.SWR_PORT}; dependencies: ${await describeDependencies(readiness)}`);
  app.getHttpServer().once('close', () => void Promise.all([rpc.close(), events.close()]));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
