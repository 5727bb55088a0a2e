// `npm run start:distributed`: the distributed registry on this machine, without containers. It
// starts nats-server (JetStream), PostgreSQL, Redis and the S3 server from the same Debian and npm
// packages the tests use, with the tests' own code, then every app in its own process: two
// gateways (SWR_PORT and the next port), metadata, IAM and the workers. Everything is kept under
// SWR_DATA_DIR (default ./data-distributed), each process's log under its logs/. Ctrl-C stops them all.
import { startDistributedRegistry } from '@swr/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A secret made on the first start and kept beside the data it protects, readable by its owner only. */
function keptSecret(dataDir: string, file: string, make: () => string): string {
  const path = join(dataDir, file);
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600, flag: 'wx' });
  return readFileSync(path, 'utf8').trim();
}

async function main(): Promise<void> {
  const dataDir = resolve(process.env.SWR_DATA_DIR ?? './data-distributed');
  const port = Number(process.env.SWR_PORT ?? 5000);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const password = process.env.SWR_ADMIN_PASSWORD ?? keptSecret(dataDir, 'admin-password', () => randomBytes(12).toString('base64url'));
  const encryptionKey = process.env.SWR_ENCRYPTION_KEY ?? keptSecret(dataDir, 'encryption.key', () => randomBytes(32).toString('base64'));
  console.log(`starting the distributed registry in ${dataDir} (logs in ${join(dataDir, 'logs')})`);
  const registry = await startDistributedRegistry({
    dataDir,
    gatewayPorts: [port, port + 1],
    metadataReplicas: 1,
    admin: { username: 'swr/admin', password },
    encryptionKey,
    appEnv: { SWR_LOG_LEVEL: process.env.SWR_LOG_LEVEL ?? 'log' },
  });
  for (const { name, pid } of registry.processes()) console.log(`started ${name} (pid ${pid})`);
  console.log(`gateways: ${registry.gateways.map((g) => g.url).join(' and ')}; docker login -u swr/admin -p ${password} 127.0.0.1:${port}`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping every process`);
    const started = registry.processes();
    registry.stop().then(
      () => {
        for (const { name, pid } of started) console.log(`stopped ${name} (pid ${pid})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
