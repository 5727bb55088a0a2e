// A distributed registry for the byte-path benchmark, started by the same code as the end-to-end
// tests: nats-server, PostgreSQL, Redis, the S3 server, metadata, iam, the workers, two gateways,
// and a third gateway that answers blob GETs with redirects to presigned S3 URLs. Prints one JSON
// line (the gateways' URLs and pids, the admin's login, the S3 server with a bucket free for the
// reference registry), then runs until SIGTERM or SIGINT.
import { startDistributedRegistry } from '@swr/testing';

async function main(): Promise<void> {
  const registry = await startDistributedRegistry({ gateways: 2, metadataReplicas: 1 });
  const redirecting = await registry.startGateway({ SWR_S3_REDIRECT: 'true' });
  const stop = () => void registry.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const describe = (g: typeof redirecting) => ({ url: g.url, pid: g.process.child.pid });
  const { endPoint, port, accessKey, secretKey, bucket } = registry.s3;
  console.log(
    JSON.stringify({ admin: registry.admin, gateways: registry.gateways.slice(0, 2).map(describe), redirecting: describe(redirecting), s3: { endPoint, port, accessKey, secretKey, bucket } }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
