// Throughput and push-to-delivery latency of webhook triggers, the way a distributed registry runs
// them. For each replica count it starts a fresh registry on loopback: nats-server, embedded
// PostgreSQL (fsync on, as a registry's own database), an S3 server (s3rver, in this process),
// redis-server, and the built apps (dist/apps): one gateway, one metadata, one IAM, one audit worker
// and that many trigger workers, with their default settings (webhooks allowed to 127.0.0.1). It
// starts an HTTP receiver in this process, creates one trigger on a repository through the
// management API (regular condition t-[0-9]+), pushes one small image, warms the path up with
// --warmup tags delivered through a second trigger, then pushes the image's manifest under --tags
// new tags t-1 … t-N, --concurrency at a time, and waits until every delivery arrived.
// It reports the push rate, deliveries/s (tags over the span from the first push's start to the last
// arrival), the latency from each push's answer to its delivery's arrival (p50/p99/max), and checks
// that each tag was delivered exactly once (a settle second after the last). It also splits the
// latency by where the tag's event was seen: on NATS (the metadata service's outbox relay), as a
// BullMQ job (the trigger worker's consumer and dispatcher), picked up from the queue, delivered;
// and what each process used of the CPU. With --dump FILE it writes each tag's times there (JSON, one
// object per run), for a closer look.
// Usage: node dist/bench/trigger-deliveries.bench.js [--tags N] [--concurrency N] [--warmup N] [--replicas 1,2] [--dump FILE]
import { EVENT_STREAM, eventSubject } from '@swr/contracts';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from '@swr/db';
import { freePort, ManagedProcess, NatsServerHandle, RedisServerHandle, S3Server, startNatsServer, startProcess, startRedisServer, startS3Server, StopWaiting, waitFor } from '@swr/testing';
import { Queue } from 'bullmq';
import { connect, JetStreamManager, NatsConnection } from 'nats';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childrenOf, cpuSeconds, machineTicks, option, percentile, replicaCounts, seconds, sleep, until } from './bench-support';

const ROOT = resolve(__dirname, '../..');
const APPS = ['gateway', 'metadata', 'iam', 'audit-worker', 'trigger-worker'] as const;
type App = (typeof APPS)[number];
const dist = (app: App) => join(ROOT, 'dist/apps', app, 'main.js');

/** The trigger worker's durable consumer on the event stream, and its BullMQ queue of deliveries (apps/trigger-worker). */
const TRIGGER_DURABLE = 'trigger';
const DELIVERY_QUEUE = 'swr-webhook-deliveries';
const ADMIN = { account: 'swr', user: 'admin', password: 'bench-admin-password' };
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const ORGANIZATION = 'benchtriggers';
const REPOSITORY = `${ORGANIZATION}/app`;
const CONDITION = 't-[0-9]+';
/** Warm-up tags go through a trigger of their own. */
const WARMUP_CONDITION = 'warm-[0-9]+';
const MEASURED_PATH = '/hook';
const WARMUP_PATH = '/warmup';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const TARGET_P99_MS = 1_000;
/** Every delivery has to have arrived this long after the last push, or the run failed. */
const ARRIVAL_TIMEOUT_MS = 120_000;
/** Anything delivered twice, or delivered late, would have arrived by then. */
const SETTLE_MS = 1_000;

const TAGS = option('--tags', 1_000);
const CONCURRENCY = option('--concurrency', 8);
const WARMUP = option('--warmup', 50, 0);
const REPLICAS = replicaCounts();
const DUMP = process.argv.includes('--dump') ? process.argv[process.argv.indexOf('--dump') + 1] : undefined;
if (DUMP !== undefined && (!DUMP || DUMP.startsWith('--'))) throw new Error('--dump takes a file name');

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const sortedCopy = (values: readonly number[]) => [...values].sort((a, b) => a - b);

// ---------------------------------------------------------------------------------------------
// CPU time, from /proc: the machine's busy share, and what each of our child processes used

/** Which part of the registry one of our child processes is: an app (by its bundle), or a server. */
function partOf(pid: number): string {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'other';
  }
  const app = APPS.find((a) => cmdline.includes(`/dist/apps/${a}/main.js`));
  if (app) return app;
  for (const server of ['nats-server', 'redis-server', 'postgres']) if (cmdline.includes(server)) return server;
  return 'other';
}

interface CpuSample {
  readonly at: number;
  readonly machine: { busy: number; total: number };
  /** CPU seconds per part; "bench" is this process (pushing client, receiver, S3 server). */
  readonly parts: Map<string, number>;
}

function cpuSample(): CpuSample {
  const parts = new Map<string, number>();
  const add = (part: string, s: number) => parts.set(part, (parts.get(part) ?? 0) + s);
  const usage = process.cpuUsage();
  add('bench', (usage.user + usage.system) / 1e6);
  for (const pid of childrenOf(process.pid)) {
    const part = partOf(pid);
    if (part === 'postgres') {
      // The postmaster: backends that already exited are counted in its reaped time, live ones apart.
      add(part, cpuSeconds(pid, true) + childrenOf(pid).reduce((sum, backend) => sum + cpuSeconds(backend), 0));
    } else {
      add(part, cpuSeconds(pid));
    }
  }
  return { at: Date.now(), machine: machineTicks(), parts };
}

function describeCpu(from: CpuSample, to: CpuSample): string {
  const wallS = (to.at - from.at) / 1000;
  const busy = (100 * (to.machine.busy - from.machine.busy)) / (to.machine.total - from.machine.total);
  const used = [...to.parts].map(([part, s]) => [part, s - (from.parts.get(part) ?? 0)] as const).sort((a, b) => b[1] - a[1]);
  return (
    `cpu over ${seconds(wallS * 1000)} on ${cpus().length} cores: machine ${busy.toFixed(0)}% busy; ` +
    used.map(([part, s]) => `${part} ${s.toFixed(2)} s (${Math.round((100 * s) / wallS)}%)`).join(', ')
  );
}

// ---------------------------------------------------------------------------------------------
// The registry: servers, then the apps as processes, as a distributed deployment runs them

class Registry {
  readonly apps: Array<{ app: App; process: ManagedProcess }> = [];
  url = '';
  private postgresLog = '';

  private constructor(
    private readonly dir: string,
    readonly postgres: EmbeddedPostgresHandle,
    readonly nats: NatsServerHandle,
    readonly redis: RedisServerHandle,
    readonly s3: S3Server,
    readonly connection: NatsConnection,
    readonly jsm: JetStreamManager,
  ) {}

  static async start(triggerWorkers: number, onStarted: (registry: Registry) => void): Promise<Registry> {
    const dir = mkdtempSync(join(tmpdir(), 'swr-trigger-bench-'));
    // The embedded PostgreSQL runs as "postgres" when we are root: it must be able to enter the directory.
    chmodSync(dir, 0o755);
    let postgresLog = '';
    const started = await Promise.allSettled([
      startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), durable: true, log: (line) => (postgresLog = (postgresLog + line + '\n').slice(-20_000)) }),
      startNatsServer(),
      startRedisServer(),
      startS3Server(),
    ] as const);
    const [postgres, nats, redis, s3] = started;
    if (postgres.status === 'rejected' || nats.status === 'rejected' || redis.status === 'rejected' || s3.status === 'rejected') {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
      rmSync(dir, { recursive: true, force: true });
      throw started.map((s) => (s.status === 'rejected' ? s.reason : undefined)).find(Boolean);
    }
    const connection = await connect({ servers: nats.value.url, name: 'swr-trigger-bench' });
    const registry = new Registry(dir, postgres.value, nats.value, redis.value, s3.value, connection, await connection.jetstreamManager());
    registry.postgresLog = postgresLog;
    // From here on, whoever stops the benchmark stops this registry too.
    onStarted(registry);
    await registry.startApps(triggerWorkers);
    return registry;
  }

  private startApp(app: App, env: Record<string, string>): void {
    const proc = startProcess(process.execPath, ['--enable-source-maps', dist(app)], {
      env: {
        ...process.env,
        SWR_LOG_LEVEL: 'warn',
        SWR_ADMIN_PASSWORD: ADMIN.password,
        // The receiver runs in this process, on loopback.
        SWR_WEBHOOK_ALLOW_LIST: '127.0.0.1/32',
        ...env,
      },
    });
    this.apps.push({ app, process: proc });
  }

  private async startApps(triggerWorkers: number): Promise<void> {
    const database = { SWR_DATABASE_URL: this.postgres.url, SWR_NATS_URL: this.nats.url };
    this.startApp('audit-worker', { ...database, SWR_REDIS_URL: this.redis.url });
    for (let i = 0; i < triggerWorkers; i++) this.startApp('trigger-worker', { ...database, SWR_REDIS_URL: this.redis.url, SWR_ENCRYPTION_KEY: ENCRYPTION_KEY });
    // Metadata reads the blob store too: it frees blobs when it collects garbage.
    const blobStore = {
      SWR_BLOB_STORE: 's3',
      SWR_S3_ENDPOINT: this.s3.endPoint,
      SWR_S3_PORT: String(this.s3.port),
      SWR_S3_ACCESS_KEY: this.s3.accessKey,
      SWR_S3_SECRET_KEY: this.s3.secretKey,
      SWR_S3_BUCKET: this.s3.bucket,
    };
    this.startApp('metadata', { ...database, ...blobStore });
    this.startApp('iam', { ...database, SWR_ENCRYPTION_KEY: ENCRYPTION_KEY });
    const port = await freePort();
    this.startApp('gateway', { SWR_PORT: String(port), SWR_HOST: '127.0.0.1', SWR_NATS_URL: this.nats.url, ...blobStore });
    this.url = `http://127.0.0.1:${port}`;
    await this.ready();
    await until(
      `${triggerWorkers} trigger worker(s) to pull from the durable consumer "${TRIGGER_DURABLE}"`,
      async () => {
        this.assertAlive();
        const consumer = await this.jsm.consumers.info(EVENT_STREAM, TRIGGER_DURABLE).catch(() => undefined);
        // Each worker keeps one pull request waiting on the server while it has nothing to do.
        return (consumer?.num_waiting ?? 0) >= triggerWorkers;
      },
      60_000,
      50,
    );
  }

  /**
   * Up means every service answers. IAM first, anonymously: an anonymous token is issued only once
   * IAM has finished its start-up (operator account included), and polling with the admin's password
   * before then would count as failed logins and lock the admin out.
   */
  private async ready(): Promise<void> {
    await waitFor(
      `IAM behind ${this.url}`,
      async () => {
        this.assertAlive();
        return (await fetch(`${this.url}/auth/token?service=swr-registry`)).ok;
      },
      60_000,
    );
    const bearer = await registryToken(this.url, 'registry:catalog:*');
    await waitFor(
      `metadata behind ${this.url}`,
      async () => {
        this.assertAlive();
        return (await fetch(`${this.url}/v2/_catalog?n=1`, { headers: { authorization: `Bearer ${bearer}` } })).ok;
      },
      60_000,
    );
  }

  assertAlive(): void {
    const dead = this.apps.find((a) => a.process.child.exitCode !== null || a.process.child.signalCode !== null);
    if (dead) throw new StopWaiting(`${dead.app} (pid ${dead.process.pid}) exited with ${dead.process.child.signalCode ?? `code ${dead.process.child.exitCode}`}:\n${dead.process.output().slice(-3000)}`);
  }

  async triggerConsumer(): Promise<{ pending: number; ackPending: number; redelivered: number }> {
    const info = await this.jsm.consumers.info(EVENT_STREAM, TRIGGER_DURABLE);
    return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
  }

  /** Every delivery job in the queue, whatever its state. */
  async deliveryJobs(): Promise<DeliveryJobTimes[]> {
    const queue = new Queue(DELIVERY_QUEUE, { connection: { url: this.redis.url, maxRetriesPerRequest: null } });
    try {
      const jobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized', 'waiting-children'], 0, -1);
      return jobs.map((job) => ({
        tag: String(job.data?.data?.delivery?.tag ?? ''),
        state: job.finishedOn ? (job.failedReason ? 'failed' : 'completed') : job.processedOn ? 'active' : 'waiting',
        addedAt: job.timestamp,
        startedAt: job.processedOn,
        finishedAt: job.finishedOn,
        attempts: job.attemptsMade,
      }));
    } finally {
      await queue.close();
    }
  }

  postgresOutput(): string {
    return this.postgresLog;
  }

  async stop(): Promise<void> {
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        console.error(`stopping ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    // The gateway first (no new calls), then the services and workers, then what they use.
    await attempt('the gateway', () => Promise.all(this.apps.filter((a) => a.app === 'gateway').map((a) => a.process.stop('SIGTERM', 10_000))));
    await attempt('the services and workers', () => Promise.all(this.apps.map((a) => a.process.stop('SIGTERM', 10_000))));
    await attempt('the NATS connection', () => this.connection.close());
    await attempt('the servers', () => Promise.all([this.postgres.stop(), this.nats.stop(), this.redis.stop(), this.s3.stop()]));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface DeliveryJobTimes {
  readonly tag: string;
  readonly state: string;
  /** When the trigger worker's dispatcher added the job (its clock; same machine). */
  readonly addedAt: number;
  /** When a worker took it, last (undefined while it waits). */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  readonly attempts: number;
}

// ---------------------------------------------------------------------------------------------
// Clients: a registry token, the management API, pushing over the registry API

/** A registry token for `scope`, as docker fetches one: Basic credentials at the token realm. */
async function registryToken(url: string, scope: string): Promise<string> {
  const basic = Buffer.from(`${ADMIN.account}/${ADMIN.user}:${ADMIN.password}`).toString('base64');
  const res = await fetch(`${url}/auth/token?service=swr-registry&scope=${encodeURIComponent(scope)}`, { headers: { authorization: `Basic ${basic}` } });
  if (!res.ok) throw new Error(`the admin cannot get a token for ${scope}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Signs in through the IAM-compatible API, then calls the management API with the token. */
class ManageSession {
  private constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  static async signIn(url: string): Promise<ManageSession> {
    const res = await fetch(`${url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: ADMIN.user, password: ADMIN.password, domain: { name: ADMIN.account } } } },
          scope: { project: { name: 'local-1' } },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    return new ManageSession(url, res.headers.get('x-subject-token') ?? '');
  }

  async call(method: string, path: string, body: unknown, expected: number): Promise<void> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-auth-token': this.token },
      body: JSON.stringify(body),
    });
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status} ${await res.text()}`);
  }
}

interface Push {
  readonly tag: string;
  readonly startedAt: number;
  readonly doneAt: number;
}

/** Pushes over the registry API with a bearer token for the repository, on kept-alive connections. */
class Pusher {
  private token = '';
  private manifest?: Buffer;

  constructor(private readonly url: string) {}

  private async refreshToken(): Promise<void> {
    this.token = await registryToken(this.url, `repository:${REPOSITORY}:push,pull`);
  }

  /** One request, with a fresh token once if the one in hand has expired. */
  private async send(method: string, path: string, body: Buffer, contentType: string, expected: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (!this.token) await this.refreshToken();
      const res = await fetch(`${this.url}${path}`, { method, body, headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType } });
      const text = await res.text();
      if (res.status === expected) return;
      if (res.status === 401 && attempt === 1) {
        this.token = '';
        continue;
      }
      throw new Error(`${method} ${path}: expected ${expected}, got ${res.status} ${text.slice(0, 500)}`);
    }
  }

  private async pushBlob(data: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(data);
    await this.send('POST', `/v2/${REPOSITORY}/blobs/uploads/?digest=${digest}`, data, 'application/octet-stream', 201);
    return { digest, size: data.length };
  }

  /** A small image (a config and one 1 KiB layer), tagged `tag`; later tags reuse its manifest. */
  async pushImage(tag: string): Promise<void> {
    const config = await this.pushBlob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') })));
    const layer = await this.pushBlob(randomBytes(1024));
    this.manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    );
    await this.pushTag(tag);
  }

  async pushTag(tag: string): Promise<Push> {
    if (!this.manifest) throw new Error('push the image first');
    const startedAt = Date.now();
    await this.send('PUT', `/v2/${REPOSITORY}/manifests/${tag}`, this.manifest, OCI_MANIFEST, 201);
    return { tag, startedAt, doneAt: Date.now() };
  }

  /** Pushes the tags `concurrency` at a time, each worker taking the next tag as soon as it is done. */
  async pushTags(tags: readonly string[], concurrency: number): Promise<Push[]> {
    const pushes: Push[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, tags.length) }, async () => {
        while (next < tags.length) pushes.push(await this.pushTag(tags[next++]));
      }),
    );
    return pushes;
  }
}

// ---------------------------------------------------------------------------------------------
// Observers: the webhook receiver, and the image events as they appear on NATS

interface Arrival {
  /** The path of the webhook URL: which trigger it came through. */
  readonly path: string;
  readonly tag: string;
  readonly deliveryId: string;
  readonly at: number;
}

/** A real HTTP server in this process that records when each delivery arrived, and answers 200. */
class Receiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly arrivals: readonly Arrival[],
  ) {}

  /** The deliveries that came through the trigger whose webhook has this path, in order of arrival. */
  on(path: string): Arrival[] {
    return this.arrivals.filter((a) => a.path === path);
  }

  get count(): number {
    return this.arrivals.length;
  }

  static async start(): Promise<Receiver> {
    const arrivals: Arrival[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const at = Date.now();
        let tag = '';
        try {
          tag = String(JSON.parse(Buffer.concat(chunks).toString('utf8')).tag ?? '');
        } catch {
          // Counted all the same, with no tag: the check fails it.
        }
        arrivals.push({ path: request.url ?? '', tag, deliveryId: String(request.headers['x-swr-delivery'] ?? ''), at });
        response.statusCode = 200;
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** When each tag's image.pushed event was published to the event stream (a plain subscription sees each publish). */
async function observePublished(connection: NatsConnection): Promise<{ seen: Map<string, number>; stop: () => void }> {
  const seen = new Map<string, number>();
  const subscription = connection.subscribe(eventSubject('image.pushed'), {
    callback: (error, message) => {
      if (error) return;
      const at = Date.now();
      try {
        const tag = String(JSON.parse(message.string()).data?.tag ?? '');
        if (!seen.has(tag)) seen.set(tag, at);
      } catch {
        // Not an envelope: not ours to judge here.
      }
    },
  });
  // The subscription is in place once the server has seen it.
  await connection.flush();
  return { seen, stop: () => subscription.unsubscribe() };
}

// ---------------------------------------------------------------------------------------------
// Reading the results

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function latency(values: readonly number[]): Latency {
  const sorted = sortedCopy(values);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

const describeLatency = (l: Latency) => `p50 ${l.p50.toFixed(0)} ms, p99 ${l.p99.toFixed(0)} ms, max ${l.max.toFixed(0)} ms`;

/** Exactly one delivery per pushed tag, no two with one delivery id, none for another tag. */
function checkArrivals(pushes: readonly Push[], arrivals: readonly Arrival[]): string[] {
  const problems: string[] = [];
  const pushed = new Set(pushes.map((p) => p.tag));
  const ids = new Set(arrivals.map((a) => a.deliveryId));
  if (ids.size !== arrivals.length) problems.push(`${arrivals.length - ids.size} deliveries repeat an X-SWR-Delivery id`);
  const perTag = new Map<string, number>();
  for (const a of arrivals) perTag.set(a.tag, (perTag.get(a.tag) ?? 0) + 1);
  const missing = [...pushed].filter((t) => !perTag.has(t));
  const twice = [...perTag].filter(([t, n]) => pushed.has(t) && n > 1).map(([t]) => t);
  const foreign = [...perTag.keys()].filter((t) => !pushed.has(t));
  if (missing.length) problems.push(`${missing.length} tags never delivered (e.g. ${missing.slice(0, 5).join(', ')})`);
  if (twice.length) problems.push(`${twice.length} tags delivered more than once (e.g. ${twice.slice(0, 5).join(', ')})`);
  if (foreign.length) problems.push(`deliveries for tags not pushed in the run: ${foreign.slice(0, 5).join(', ')}`);
  return problems;
}

/**
 * The latency in four, per tag: from the push's answer until its event was on NATS (the metadata
 * service's outbox relay), from then until the trigger worker had added the delivery job (consumer
 * fetch and dispatcher), until a worker took the job (BullMQ pick-up), and until it arrived (the
 * attempt: trigger lookup, delivery record, HTTP).
 */
function describeSplit(pushes: readonly Push[], published: Map<string, number>, jobs: readonly DeliveryJobTimes[], arrivals: readonly Arrival[]): string[] {
  const jobOf = new Map(jobs.map((j) => [j.tag, j]));
  const arrivalOf = new Map(arrivals.map((a) => [a.tag, a.at]));
  const stages: Record<string, number[]> = { relay: [], dispatch: [], pickUp: [], attempt: [] };
  for (const push of pushes) {
    const onNats = published.get(push.tag);
    const job = jobOf.get(push.tag);
    const arrived = arrivalOf.get(push.tag);
    if (onNats === undefined || job?.startedAt === undefined || arrived === undefined) continue;
    stages.relay.push(onNats - push.doneAt);
    stages.dispatch.push(job.addedAt - onNats);
    stages.pickUp.push(job.startedAt - job.addedAt);
    stages.attempt.push(arrived - job.startedAt);
  }
  const attempts = jobs.reduce((sum, j) => sum + j.attempts, 0);
  const states = new Map<string, number>();
  for (const j of jobs) states.set(j.state, (states.get(j.state) ?? 0) + 1);
  return [
    `latency split over ${stages.relay.length} tags:`,
    `  push answered → event on NATS (metadata outbox relay)      ${describeLatency(latency(stages.relay))}`,
    `  event on NATS → delivery job added (consumer + dispatcher) ${describeLatency(latency(stages.dispatch))}`,
    `  job added → taken by a worker (BullMQ pick-up)             ${describeLatency(latency(stages.pickUp))}`,
    `  taken → arrived at the receiver (attempt: store + HTTP)    ${describeLatency(latency(stages.attempt))}`,
    `delivery jobs: ${jobs.length} (${[...states].map(([s, n]) => `${n} ${s}`).join(', ')}), ${attempts} attempts`,
  ];
}

/** Each tag's times (epoch ms), appended to the --dump file as one JSON line per run. */
function dumpTimes(replicas: number, pushes: readonly Push[], published: Map<string, number>, jobs: readonly DeliveryJobTimes[], arrivals: readonly Arrival[]): void {
  const jobOf = new Map(jobs.map((j) => [j.tag, j]));
  const arrivalOf = new Map(arrivals.map((a) => [a.tag, a.at]));
  const tags = pushes.map((p) => ({
    tag: p.tag,
    pushStarted: p.startedAt,
    pushAnswered: p.doneAt,
    onNats: published.get(p.tag),
    jobAdded: jobOf.get(p.tag)?.addedAt,
    jobTaken: jobOf.get(p.tag)?.startedAt,
    jobFinished: jobOf.get(p.tag)?.finishedAt,
    arrived: arrivalOf.get(p.tag),
  }));
  appendFileSync(DUMP as string, JSON.stringify({ replicas, concurrency: CONCURRENCY, tags }) + '\n');
}

// ---------------------------------------------------------------------------------------------
// The runs

interface Result {
  readonly replicas: number;
  readonly pushesPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly latency: Latency;
  readonly delivered: number;
  readonly ok: boolean;
}

async function run(replicas: number, registries: Set<Registry>): Promise<Result> {
  console.log(`\n== ${replicas} trigger worker replica(s)`);
  const receiver = await Receiver.start();
  let started: Registry | undefined;
  try {
    let t = Date.now();
    const registry = await Registry.start(replicas, (r) => {
      started = r;
      registries.add(r);
    });
    console.log(`registry up, ${replicas} trigger worker(s) pulling after ${seconds(Date.now() - t)}`);

    const admin = await ManageSession.signIn(registry.url);
    await admin.call('POST', '/v2/manage/namespaces', { namespace: ORGANIZATION }, 201);
    await admin.call('POST', `/v2/manage/namespaces/${ORGANIZATION}/repos`, { repository: 'app', is_public: false }, 200);
    for (const [name, condition, path] of [
      ['bench', CONDITION, MEASURED_PATH],
      ['warmup', WARMUP_CONDITION, WARMUP_PATH],
    ]) {
      const trigger = { name, action: 'webhook', trigger_type: 'regular', condition, enable: 'true', webhook: { url: `${receiver.url}${path}` } };
      await admin.call('POST', `/v2/manage/namespaces/${ORGANIZATION}/repos/app/triggers`, trigger, 201);
    }
    const pusher = new Pusher(registry.url);
    // "base" matches neither trigger.
    await pusher.pushImage('base');
    // The same path as the run's, through the warm-up trigger: the first deliveries are not the run's.
    if (WARMUP) await pusher.pushTags(Array.from({ length: WARMUP }, (_, i) => `warm-${i + 1}`), CONCURRENCY);
    await until(
      `the ${WARMUP} warm-up deliveries`,
      async () => {
        registry.assertAlive();
        const consumer = await registry.triggerConsumer();
        return consumer.pending === 0 && consumer.ackPending === 0 && receiver.count >= WARMUP;
      },
      60_000,
      50,
    );
    if (receiver.count !== receiver.on(WARMUP_PATH).length || receiver.count !== WARMUP) {
      throw new Error(`expected ${WARMUP} warm-up deliveries and nothing else, got ${receiver.count}: ${receiver.on(MEASURED_PATH).length} through the measured trigger`);
    }

    const published = await observePublished(registry.connection);
    const tags = Array.from({ length: TAGS }, (_, i) => `t-${i + 1}`);
    const before = cpuSample();
    t = Date.now();
    const pushes = await pusher.pushTags(tags, CONCURRENCY);
    const pushedAt = Date.now();
    console.log(`pushed ${TAGS} tags in ${seconds(pushedAt - t)}, ${CONCURRENCY} at a time; ${receiver.on(MEASURED_PATH).length} delivered by then`);
    try {
      await until(
        `${TAGS} deliveries`,
        () => {
          registry.assertAlive();
          return receiver.on(MEASURED_PATH).length >= TAGS;
        },
        ARRIVAL_TIMEOUT_MS,
        20,
      );
    } catch (error) {
      const consumer = await registry.triggerConsumer().catch(() => undefined);
      const jobs = await registry.deliveryJobs().catch(() => []);
      console.error(`where the deliveries are: received ${receiver.on(MEASURED_PATH).length}, consumer ${JSON.stringify(consumer)}, ${jobs.length} jobs`);
      throw error;
    }
    const after = cpuSample();
    await sleep(SETTLE_MS);
    published.stop();

    const arrivals = receiver.on(MEASURED_PATH);
    const doneAt = new Map(pushes.map((p) => [p.tag, p.doneAt]));
    const firstStart = Math.min(...pushes.map((p) => p.startedAt));
    const lastDone = Math.max(...pushes.map((p) => p.doneAt));
    const lastArrival = Math.max(...arrivals.map((a) => a.at));
    const latencies = arrivals.filter((a) => doneAt.has(a.tag)).map((a) => a.at - (doneAt.get(a.tag) as number));
    const pushMs = latency(pushes.map((p) => p.doneAt - p.startedAt));
    const result: Result = {
      replicas,
      pushesPerSecond: TAGS / ((lastDone - firstStart) / 1000),
      deliveriesPerSecond: TAGS / ((lastArrival - firstStart) / 1000),
      latency: latency(latencies),
      delivered: new Set(arrivals.map((a) => a.tag)).size,
      ok: false,
    };
    console.log(`pushes: ${Math.round(result.pushesPerSecond)}/s, each ${describeLatency(pushMs)}`);
    console.log(`deliveries: ${arrivals.length} in ${seconds(lastArrival - firstStart)} from the first push = ${Math.round(result.deliveriesPerSecond)}/s; last ${seconds(lastArrival - lastDone)} after the last push`);
    console.log(`push answered → delivered: ${describeLatency(result.latency)}`);
    const jobs = (await registry.deliveryJobs()).filter((j) => doneAt.has(j.tag));
    for (const line of describeSplit(pushes, published.seen, jobs, arrivals)) console.log(line);
    if (DUMP) dumpTimes(replicas, pushes, published.seen, jobs, arrivals);
    console.log(describeCpu(before, after));
    const consumer = await registry.triggerConsumer();
    console.log(`consumer "${TRIGGER_DURABLE}": ${consumer.pending} pending, ${consumer.ackPending} unacknowledged, ${consumer.redelivered} redelivered`);
    const problems = checkArrivals(pushes, arrivals);
    const stray = receiver.count - arrivals.length - WARMUP;
    if (stray) problems.push(`${stray} more deliveries through the warm-up trigger after the warm-up`);
    for (const problem of problems) console.error(`FAILED: ${problem}`);
    return { ...result, ok: problems.length === 0 };
  } catch (error) {
    if (started && /postgres/i.test(String(error))) console.error(`postgres output:\n${started.postgresOutput().slice(-3000)}`);
    throw error;
  } finally {
    await receiver.stop();
    if (started) {
      registries.delete(started);
      await started.stop();
    }
  }
}

async function main(): Promise<void> {
  const missing = APPS.filter((app) => !existsSync(dist(app)));
  if (missing.length) throw new Error(`${missing.map(dist).join(', ')} missing: run "node tools/build-app.mjs apps/<app>" (scripts/bench-triggers.sh does)`);
  const registries = new Set<Registry>();
  let interrupted = false;
  const onSignal = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`${signal}: stopping the registry`);
    void Promise.all([...registries].map((r) => r.stop())).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // The machine may be shared: the load says how much of the result is someone else's.
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(
      `${TAGS} tags pushed (${CONCURRENCY} at a time, after ${WARMUP} warm-up pushes and deliveries), each matching one webhook trigger (${CONDITION}); ` +
        `apps with their default settings; PostgreSQL with fsync; target: p99 push → delivery under ${TARGET_P99_MS} ms`,
    );
    if (DUMP) writeFileSync(DUMP, '');
    const results: Result[] = [];
    for (const replicas of REPLICAS) results.push(await run(replicas, registries));

    console.log('\ndeliveries/s: tags over first push start → last arrival; latency: arrival - push answered, per tag\n');
    const header = `${'replicas'.padStart(8)} ${'pushes/s'.padStart(9)} ${'deliveries/s'.padStart(13)} ${'latency p50'.padStart(12)} ${'p99'.padStart(9)} ${'max'.padStart(9)} ${'delivered'.padStart(11)}`;
    console.log(header);
    console.log('-'.repeat(header.length));
    const ms = (v: number, width: number) => `${v.toFixed(0)} ms`.padStart(width);
    for (const r of results) {
      console.log(
        `${String(r.replicas).padStart(8)} ${String(Math.round(r.pushesPerSecond)).padStart(9)} ${String(Math.round(r.deliveriesPerSecond)).padStart(13)} ` +
          `${ms(r.latency.p50, 12)} ${ms(r.latency.p99, 9)} ${ms(r.latency.max, 9)} ${`${r.delivered}/${TAGS}`.padStart(11)}`,
      );
    }
    console.log('');
    for (const r of results) {
      const met = r.latency.p99 < TARGET_P99_MS;
      console.log(`summary: ${r.replicas} replica(s) ${met ? 'meet' : 'miss'} the target of p99 < ${TARGET_P99_MS} ms (p99 ${r.latency.p99.toFixed(0)} ms at ${Math.round(r.pushesPerSecond)} pushes/s)`);
    }
    if (results.some((r) => !r.ok)) throw new Error('a run did not deliver each tag exactly once (see FAILED above)');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
