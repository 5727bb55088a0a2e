import { startEmbeddedPostgres } from '@swr/db';
import type { EmbeddedPostgresHandle } from '@swr/db';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startNatsServer, type NatsServerHandle } from './nats-server';
import { freePort, freePorts, StopWaiting, waitFor } from './ports';
import { startProcess, type ManagedProcess } from './processes';
import { startRedisServer } from './redis-server';
import { startS3Server, type S3Server } from './s3-server';

/** The workspace this code runs in, from its source (tests) or from a bundle under dist/ (benchmarks). */
function workspaceRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error(`no workspace above ${__dirname}`);
}

/** The built app's bundle: run `node tools/build-app.mjs apps/<app>` first. */
const dist = (app: string) => join(workspaceRoot(), 'dist/apps', app, 'main.js');

export interface Login {
  readonly username: string;
  readonly password: string;
}

/** A temp dir the embedded PostgreSQL (which runs as its own user when we are root) can enter. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** The operator's admin, as the harness configures it. */
export const ADMIN: Login = { username: 'swr/admin', password: 'e2e-admin-password' };
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface RegistryUnderTest {
  /** Where clients talk to it; in distributed mode the first of several gateways. */
  readonly url: string;
  readonly admin: Login;
  readonly gateways: GatewayProcess[];
  stop(): Promise<void>;
}

export interface GatewayProcess {
  readonly url: string;
  readonly process: ManagedProcess;
}

/**
 * Up means every service answers. IAM first, anonymously: an anonymous token is issued only once
 * IAM has finished its start-up (operator account included), and polling with the admin's
 * password before then would count as failed logins and lock the admin out.
 */
async function ready(url: string, processes: ManagedProcess[], admin: Login = ADMIN): Promise<void> {
  const alive = () => {
    const dead = processes.find((p) => p.child.exitCode !== null);
    if (dead) throw new StopWaiting(`a service exited early:\n${dead.output()}`);
  };
  await waitFor(`IAM behind ${url}`, async () => {
    alive();
    return (await fetch(`${url}/auth/token?service=swr-registry`)).ok;
  });
  const basic = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;
  const token = await fetch(`${url}/auth/token?service=swr-registry&scope=registry:catalog:*`, { headers: { authorization: basic } });
  if (!token.ok) throw new Error(`the admin cannot sign in: ${token.status} ${await token.text()}`);
  const { token: bearer } = (await token.json()) as { token: string };
  await waitFor(`metadata behind ${url}`, async () => {
    alive();
    return (await fetch(`${url}/v2/_catalog?n=1`, { headers: { authorization: `Bearer ${bearer}` } })).ok;
  });
}

/** One setting a line of an app's `apps/<app>/<name>` file (`node-flags`, `node-env`), if it has one. */
function appSettings(app: string, name: string): string[] | undefined {
  const file = join(workspaceRoot(), 'apps', app, name);
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/**
 * The node flags and environment an app runs with: its own `apps/<app>/node-flags` and `node-env`
 * (as `npm start` runs the standalone registry, and docker-compose and Kubernetes the gateway), else
 * source maps alone (as they run the other services).
 */
export function appNodeFlags(app: string): string[] {
  return appSettings(app, 'node-flags') ?? ['--enable-source-maps'];
}

function nodeEnv(app: string): Record<string, string> {
  return Object.fromEntries((appSettings(app, 'node-env') ?? []).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

function node(app: string, env: Record<string, string>, logFile?: string): ManagedProcess {
  return startProcess(process.execPath, [...appNodeFlags(app), dist(app)], {
    logFile,
    env: {
      ...process.env,
      ...nodeEnv(app),
      SWR_LOG_LEVEL: 'warn',
      SWR_ADMIN_PASSWORD: ADMIN.password,
      SWR_QUOTA_ORGANIZATIONS: '100',
      // Webhook receivers run in the test process, on loopback; retries come quickly.
      SWR_WEBHOOK_ALLOW_LIST: '127.0.0.1/32',
      SWR_WEBHOOK_BACKOFF_MS: '200',
      ...env,
    },
  });
}

/** `npm start` as a user runs it: one process, embedded Postgres, filesystem blobs. */
export async function startStandaloneRegistry(
  dataDir = tempDir('swr-standalone-'),
  options: { keepData?: boolean; env?: Record<string, string> } = {},
): Promise<RegistryUnderTest> {
  const port = await freePort();
  const proc = node('standalone', { SWR_PORT: String(port), SWR_DATA_DIR: dataDir, SWR_FS_FSYNC: 'false', ...options.env });
  const url = `http://127.0.0.1:${port}`;
  await ready(url, [proc]);
  return {
    url,
    admin: ADMIN,
    gateways: [{ url, process: proc }],
    stop: async () => {
      await proc.stop('SIGINT');
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface DistributedOptions {
  readonly gateways?: number;
  readonly metadataReplicas?: number;
  readonly iamReplicas?: number;
  readonly auditReplicas?: number;
  readonly triggerReplicas?: number;
  /** Settings added to every metadata replica's (garbage collection's grace period, say). */
  readonly metadataEnv?: Record<string, string>;
  readonly retentionReplicas?: number;
  /** Settings added to every retention worker's (its schedules). */
  readonly retentionEnv?: Record<string, string>;
  readonly syncReplicas?: number;
  /** Settings added to every sync worker's (its regions and peer key). */
  readonly syncEnv?: Record<string, string>;
  /** Settings added to IAM's (the peer key other regions sign in with). */
  readonly iamEnv?: Record<string, string>;
  /**
   * Where everything is kept, kept at stop (a temp dir removed at stop when not given): PostgreSQL,
   * NATS, Redis and the S3 server under it, and each process's log under `logs/`.
   */
  readonly dataDir?: string;
  /** The gateways' ports (free ones when not given). */
  readonly gatewayPorts?: readonly number[];
  /** Settings added to every app's (after the harness's own). */
  readonly appEnv?: Record<string, string>;
  /** The operator's admin (the harness's when not given). */
  readonly admin?: Login;
  /** SWR_ENCRYPTION_KEY of IAM and the trigger worker (a fixed test key when not given). */
  readonly encryptionKey?: string;
}

export interface DistributedRegistry extends RegistryUnderTest {
  /** One more gateway; `env` adds to or overrides its settings. */
  startGateway(env?: Record<string, string>): Promise<GatewayProcess>;
  /** Starts one more audit worker replica (they share the durable consumer). */
  startAuditWorker(): ManagedProcess;
  readonly auditWorkers: ManagedProcess[];
  /** Starts one more trigger worker replica (they share the durable consumer and the delivery queue). */
  startTriggerWorker(): ManagedProcess;
  readonly triggerWorkers: ManagedProcess[];
  /** Starts one more sync worker replica (they share the durable consumer and the job queue). */
  startSyncWorker(): ManagedProcess;
  readonly syncWorkers: ManagedProcess[];
  readonly nats: NatsServerHandle;
  /** The S3 server the gateways keep blobs in (bucket `swr-e2e`); its own start-up bucket is free for others. */
  readonly s3: S3Server;
  /** Stops PostgreSQL and starts it again on the same port and data: the services must reconnect. */
  restartPostgres(downMs: number): Promise<void>;
  /** Every app process started, by name (`metadata-1`, `gateway-2`, …), with where it serves health and metrics unless it is a gateway (they serve them on their own port). */
  readonly apps: ReadonlyArray<{ readonly name: string; readonly process: ManagedProcess; readonly opsUrl?: string }>;
  /** Every process started, by name (`metadata-1`, `nats-server`, …), for an operator to see. */
  processes(): Array<{ name: string; pid: number }>;
}

/** Real nats-server, PostgreSQL and S3 server; metadata replicas in a queue group; gateways with no shared memory. */
export async function startDistributedRegistry(options: DistributedOptions = {}): Promise<DistributedRegistry> {
  const dir = options.dataDir ?? tempDir('swr-distributed-');
  const admin = options.admin ?? ADMIN;
  const logDir = options.dataDir ? join(dir, 'logs') : undefined;
  if (logDir) mkdirSync(logDir, { recursive: true });
  const kept = (name: string) => (options.dataDir ? { dir: join(dir, name), logFile: logDir && join(logDir, `${name}.log`) } : {});
  const named: Array<{ name: string; process: ManagedProcess; opsUrl?: string }> = [];
  const opsPorts = await freePorts(32);
  const counts = new Map<string, number>();
  /** An app's process, numbered per app, its log in the log dir. */
  const app = (name: string, env: Record<string, string>) => {
    const n = (counts.get(name) ?? 0) + 1;
    counts.set(name, n);
    // Each app's health and metrics on a port of its own (the gateways serve them on theirs).
    const opsPort = name === 'gateway' ? undefined : opsPorts.shift();
    if (name !== 'gateway' && opsPort === undefined) throw new Error('the harness ran out of ports for health and metrics');
    const ops: Record<string, string> = opsPort === undefined ? {} : { SWR_METRICS_PORT: String(opsPort), SWR_METRICS_HOST: '127.0.0.1' };
    const proc = node(name, { SWR_ADMIN_PASSWORD: admin.password, ...ops, ...env, ...options.appEnv }, logDir && join(logDir, `${name}-${n}.log`));
    named.push({ name: `${name}-${n}`, process: proc, opsUrl: opsPort === undefined ? undefined : `http://127.0.0.1:${opsPort}` });
    return proc;
  };
  const nats = await startNatsServer(kept('nats'));
  // An operator's data directory is kept safe on disk; a test's throwaway one trades that for speed.
  const postgresLog = logDir ? (line: string) => appendFileSync(join(logDir, 'postgres.log'), `${line}\n`) : undefined;
  let postgres: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), durable: options.dataDir !== undefined, log: postgresLog });
  const restartPostgres = async (downMs: number) => {
    await postgres.stop();
    await new Promise((r) => setTimeout(r, downMs));
    postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: Number(new URL(postgres.url).port), durable: options.dataDir !== undefined, log: postgresLog });
  };
  const s3 = await startS3Server(options.dataDir ? { dir: join(dir, 's3') } : {});
  const redis = await startRedisServer(kept('redis'));
  const auditWorkers: ManagedProcess[] = [];
  const startAuditWorker = () => {
    const worker = app('audit-worker', { SWR_DATABASE_URL: postgres.url, SWR_NATS_URL: nats.url, SWR_REDIS_URL: redis.url });
    auditWorkers.push(worker);
    return worker;
  };
  for (let i = 0; i < (options.auditReplicas ?? 1); i++) startAuditWorker();
  const triggerWorkers: ManagedProcess[] = [];
  const startTriggerWorker = () => {
    // A killed worker's delivery is taken over after about two seconds.
    const worker = app('trigger-worker', {
      SWR_DATABASE_URL: postgres.url,
      SWR_NATS_URL: nats.url,
      SWR_REDIS_URL: redis.url,
      SWR_ENCRYPTION_KEY: options.encryptionKey ?? ENCRYPTION_KEY,
      SWR_WEBHOOK_LOCK_MS: '2000',
    });
    triggerWorkers.push(worker);
    return worker;
  };
  for (let i = 0; i < (options.triggerReplicas ?? 1); i++) startTriggerWorker();
  const retentionWorkers = Array.from({ length: options.retentionReplicas ?? 1 }, () =>
    app('retention-worker', { SWR_DATABASE_URL: postgres.url, SWR_NATS_URL: nats.url, SWR_REDIS_URL: redis.url, ...options.retentionEnv }),
  );
  const blobStore = {
    SWR_BLOB_STORE: 's3',
    SWR_S3_ENDPOINT: s3.endPoint,
    SWR_S3_PORT: String(s3.port),
    SWR_S3_ACCESS_KEY: s3.accessKey,
    SWR_S3_SECRET_KEY: s3.secretKey,
    SWR_S3_BUCKET: 'swr-e2e',
  };
  const syncWorkers: ManagedProcess[] = [];
  const startSyncWorker = () => {
    // A killed worker's job is taken over after about two to four seconds.
    const worker = app('sync-worker', { SWR_DATABASE_URL: postgres.url, SWR_NATS_URL: nats.url, SWR_REDIS_URL: redis.url, SWR_SYNC_LOCK_MS: '2000', ...blobStore, ...options.syncEnv });
    syncWorkers.push(worker);
    return worker;
  };
  for (let i = 0; i < (options.syncReplicas ?? 1); i++) startSyncWorker();
  const metadata = Array.from({ length: options.metadataReplicas ?? 2 }, () =>
    app('metadata', { SWR_DATABASE_URL: postgres.url, SWR_NATS_URL: nats.url, ...blobStore, ...options.metadataEnv }),
  );
  const iams = Array.from({ length: options.iamReplicas ?? 1 }, () =>
    app('iam', { SWR_DATABASE_URL: postgres.url, SWR_NATS_URL: nats.url, SWR_ENCRYPTION_KEY: options.encryptionKey ?? ENCRYPTION_KEY, ...options.iamEnv }),
  );
  const gateways: GatewayProcess[] = [];
  const startGateway = async (env: Record<string, string> = {}) => {
    const port = options.gatewayPorts?.[gateways.length] ?? (await freePort());
    const proc = app('gateway', {
      SWR_PORT: String(port),
      SWR_HOST: '127.0.0.1',
      SWR_NATS_URL: nats.url,
      ...blobStore,
      ...env,
    });
    const gateway = { url: `http://127.0.0.1:${port}`, process: proc };
    await ready(gateway.url, [proc, ...iams, ...metadata, ...retentionWorkers, ...syncWorkers], admin);
    gateways.push(gateway);
    return gateway;
  };
  for (let i = 0; i < (options.gateways ?? 2); i++) await startGateway();
  return {
    url: gateways[0].url,
    admin,
    gateways,
    startGateway,
    startAuditWorker,
    auditWorkers,
    startTriggerWorker,
    triggerWorkers,
    startSyncWorker,
    syncWorkers,
    nats,
    s3,
    restartPostgres,
    apps: named,
    processes: () => [
      { name: 'nats-server', pid: nats.process.pid },
      { name: 'redis-server', pid: redis.pid },
      { name: 'postgres', pid: postgres.pid },
      ...named.map((n) => ({ name: n.name, pid: n.process.pid })),
    ],
    stop: async () => {
      await Promise.all([...gateways.map((g) => g.process.stop()), ...metadata.map((m) => m.stop()), ...iams.map((i) => i.stop()), ...auditWorkers.map((w) => w.stop()), ...triggerWorkers.map((w) => w.stop()), ...retentionWorkers.map((w) => w.stop()), ...syncWorkers.map((w) => w.stop())]);
      await Promise.all([nats.stop(), postgres.stop(), s3.stop(), redis.stop()]);
      if (!options.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
