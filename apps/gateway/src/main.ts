import { Logger } from '@nestjs/common';
import { ConfigError, stopOnSignals } from '@swr/config';
import { createGatewayApp } from '@swr/gateway-shell';
import { JetStreamEventPublisher, NatsRpcClient } from '@swr/messaging';
import { blobStoreCheck, Metrics, natsCheck, OpsEndpoints, Readiness } from '@swr/ops';
import { openBlobStore } from '@swr/storage';
import { loadGatewayConfig } from './config';

/** The HTTP entry of distributed mode: OCI Distribution under /v2/, metadata over NATS, blobs in S3. */
async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = new Logger('Gateway');
  // One connection reaches every service: subjects, not connections, tell them apart.
  const rpc = new NatsRpcClient({ servers: config.SWR_NATS_URL, name: 'swr-gateway' });
  await rpc.connect();
  const events = await JetStreamEventPublisher.connect({ servers: config.SWR_NATS_URL });
  const blobStore = await openBlobStore(config);
  const readiness = new Readiness({ nats: natsCheck(config.SWR_NATS_URL), blobStore: blobStoreCheck(blobStore) });
  const app = await createGatewayApp({
    blobStore,
    ops: new OpsEndpoints(readiness, new Metrics('gateway')),
    rpc,
    events,
    service: config.SWR_REGISTRY_SERVICE,
    region: config.SWR_REGION,
    publicUrl: config.SWR_PUBLIC_URL,
    redirectBlobReads: config.SWR_BLOB_STORE === 's3' && config.SWR_S3_REDIRECT,
    logLevel: config.SWR_LOG_LEVEL,
  });
  stopOnSignals(
    'gateway',
    async () => {
      // Connections a client keeps open (a docker daemon's) would hold the close forever: past the grace, they are closed.
      const deadline = setTimeout(() => app.getHttpServer().closeAllConnections(), config.SWR_SHUTDOWN_GRACE_MS);
      await app.close();
      clearTimeout(deadline);
    },
    (message) => logger.log(message),
    () => readiness.drain(),
  );
  await app.listen(config.SWR_PORT, config.SWR_HOST);
  logger.log(`gateway listening on ${config.SWR_HOST}:${config.SWR_PORT}`);
  app.getHttpServer().once('close', () => void Promise.all([rpc.close(), events.close()]));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
