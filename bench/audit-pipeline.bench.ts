// Throughput and lag of the event pipeline, outbox → JetStream → audit worker, the way the metadata
// and IAM services run it. For each replica count it starts a fresh nats-server, embedded PostgreSQL
// (fsync on, as a registry's own database) and redis-server on loopback, starts that many audit
// workers (dist/apps/audit-worker) and waits until they pull from the durable consumer `audit`. It
// then writes the events into an outbox (schema `benchsrc`) in transactions, as fast as it can, while
// an OutboxRelay with a JetStreamEventPublisher drains it, and waits until audit.trace holds every
// event. It reports events/s (events over the span from the first event's time to the last trace's
// record_time), lag (record_time - time) p50/p99/max, and checks that each event is stored exactly
// once; with what the writers, the relay and the workers each did, and the CPU they used.
// With --stages it also runs each stage alone on one more fresh stack: writing with no relay, the
// relay draining that backlog into a stream nobody reads, then one worker consuming the stream's
// backlog.
// Usage: node dist/bench/audit-pipeline.bench.js [--events N] [--per-transaction N] [--writers N] [--replicas 1,2] [--stages]
import { EVENT_STREAM, OutboxEntry, RESOURCE_TYPES } from '@swr/contracts';
import { appendToOutbox, EmbeddedPostgresHandle, openDatabase, outboxTableSql, PostgresOutbox, startEmbeddedPostgres } from '@swr/db';
import { domainEvent, JetStreamEventPublisher, OutboxRelay, OutboxSource } from '@swr/messaging';
import { ManagedProcess, NatsServerHandle, RedisServerHandle, startNatsServer, startProcess, startRedisServer } from '@swr/testing';
import { connect, JetStreamManager, NatsConnection } from 'nats';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { childrenOf, cpuSeconds, machineTicks, option, percentile, replicaCounts, seconds, sleep, until } from './bench-support';

const ROOT = resolve(__dirname, '../..');
const WORKER = join(ROOT, 'dist/apps/audit-worker/main.js');
const SCHEMA = 'benchsrc';
const DURABLE = 'audit';
const TARGET_EVENTS_PER_SECOND = 2_000;
/** Everything has to have arrived by then, or the run failed. */
const ARRIVAL_TIMEOUT_MS = 180_000;

const EVENTS = option('--events', 10_000);
const PER_TRANSACTION = option('--per-transaction', 100);
const WRITERS = option('--writers', 2);
const REPLICAS = replicaCounts();
const STAGES = process.argv.includes('--stages');

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
// ---------------------------------------------------------------------------------------------
// CPU time, from /proc: the machine's busy share, and what each part of the pipeline used

/** The postmaster serving `clusterDir` (found by its command line) and its live children. */
function postgresProcesses(clusterDir: string): { postmaster?: number; children: number[] } {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const postmaster = pids.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(clusterDir);
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) return { children: [] };
  return { postmaster, children: childrenOf(postmaster) };
}

interface CpuSample {
  readonly at: number;
  readonly machine: { busy: number; total: number };
  readonly bench: number;
  readonly workers: number;
  readonly nats: number;
  readonly postgres: number;
}

// ---------------------------------------------------------------------------------------------
// The relay's outbox, timed: what each drain moved and where its time went

interface Drain {
  readonly entries: number;
  /** BEGIN and the locking SELECT. */
  readonly lockMs: number;
  /** Publishing the batch to JetStream, until every acknowledgement is in. */
  readonly publishMs: number;
  /** The whole transaction, DELETE and COMMIT (an fsync) included. */
  readonly totalMs: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** The batch's event ids and when JetStream had acknowledged all of them (epoch ms). */
  readonly ids: readonly string[];
  readonly publishedAt: number;
}

class TimedOutbox implements OutboxSource {
  readonly drains: Drain[] = [];
  /** Drains that found the outbox empty. */
  empty = 0;

  constructor(private readonly outbox: PostgresOutbox) {}

  async drain(limit: number, publish: (entries: OutboxEntry[]) => Promise<string[]>): Promise<number> {
    const startedAt = performance.now();
    let lockMs = 0;
    let publishMs = 0;
    let entries = 0;
    let ids: string[] = [];
    const moved = await this.outbox.drain(limit, async (batch) => {
      const publishing = performance.now();
      lockMs = publishing - startedAt;
      entries = batch.length;
      ids = await publish(batch);
      publishMs = performance.now() - publishing;
      return ids;
    });
    const endedAt = performance.now();
    if (!entries) this.empty++;
    else this.drains.push({ entries, lockMs, publishMs, totalMs: endedAt - startedAt, startedAt, endedAt, ids, publishedAt: performance.timeOrigin + startedAt + lockMs + publishMs });
    return moved;
  }
}

// ---------------------------------------------------------------------------------------------
// The stack: PostgreSQL, NATS, Redis, audit workers, and the producing side (outbox, relay)

class Stack {
  readonly workers: ManagedProcess[] = [];
  private relay?: OutboxRelay;
  private publisher?: JetStreamEventPublisher;
  private postgresLog = '';
  private postgresPid?: number;

  private constructor(
    private readonly dir: string,
    readonly postgres: EmbeddedPostgresHandle,
    readonly nats: NatsServerHandle,
    readonly redis: RedisServerHandle,
    readonly db: DataSource,
    readonly connection: NatsConnection,
    readonly jsm: JetStreamManager,
  ) {}

  static async start(): Promise<Stack> {
    const dir = mkdtempSync(join(tmpdir(), 'swr-audit-bench-'));
    // The embedded PostgreSQL runs as "postgres" when we are root: it must be able to enter the directory.
    chmodSync(dir, 0o755);
    let postgresLog = '';
    const started = await Promise.allSettled([
      startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), durable: true, log: (line) => (postgresLog = (postgresLog + line + '\n').slice(-20_000)) }),
      startNatsServer(),
      startRedisServer(),
    ] as const);
    const [postgres, nats, redis] = started;
    if (postgres.status === 'rejected' || nats.status === 'rejected' || redis.status === 'rejected') {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
      rmSync(dir, { recursive: true, force: true });
      throw started.map((s) => (s.status === 'rejected' ? s.reason : undefined)).find(Boolean);
    }
    const db = await openDatabase({ url: postgres.value.url, schema: SCHEMA, migrations: [], poolSize: WRITERS + 4 });
    await db.query(outboxTableSql(SCHEMA));
    const connection = await connect({ servers: nats.value.url, name: 'swr-audit-bench' });
    const stack = new Stack(dir, postgres.value, nats.value, redis.value, db, connection, await connection.jetstreamManager());
    stack.postgresLog = postgresLog;
    stack.postgresPid = postgresProcesses(join(dir, 'postgres', 'cluster')).postmaster;
    return stack;
  }

  /** Starts `n` audit workers and waits until each one pulls from the durable consumer. */
  async startWorkers(n: number, waitUntilPulling = true): Promise<void> {
    for (let i = 0; i < n; i++) {
      this.workers.push(
        startProcess(process.execPath, [WORKER], {
          env: {
            ...process.env,
            SWR_DATABASE_URL: this.postgres.url,
            SWR_NATS_URL: this.nats.url,
            SWR_REDIS_URL: this.redis.url,
            SWR_LOG_LEVEL: 'warn',
          },
        }),
      );
    }
    if (!waitUntilPulling) return;
    await until(
      `${n} audit worker(s) to pull from the durable consumer "${DURABLE}"`,
      async () => {
        this.assertWorkersAlive();
        const [table] = await this.db.query(`SELECT to_regclass('audit.trace') IS NOT NULL AS ok`);
        if (!table.ok) return false;
        const consumer = await this.jsm.consumers.info(EVENT_STREAM, DURABLE).catch(() => undefined);
        // Each worker keeps one pull request waiting on the server while it has nothing to do.
        return (consumer?.num_waiting ?? 0) >= this.workers.length;
      },
      60_000,
    );
  }

  assertWorkersAlive(): void {
    const dead = this.workers.find((w) => w.child.exitCode !== null || w.child.signalCode !== null);
    if (dead) throw new Error(`audit worker (pid ${dead.pid}) exited with ${dead.child.signalCode ?? `code ${dead.child.exitCode}`}:\n${dead.output().slice(-3000)}`);
  }

  /** Starts draining the outbox into the event stream; the outbox it answers records every drain. */
  async startRelay(): Promise<TimedOutbox> {
    this.publisher = await JetStreamEventPublisher.connect({ servers: this.nats.url });
    const outbox = new TimedOutbox(new PostgresOutbox(this.db, SCHEMA));
    // The settings the metadata and IAM services use: the defaults.
    this.relay = new OutboxRelay(outbox, this.publisher, { onError: (error) => console.error(`relay: ${String(error)}`) });
    this.relay.start();
    return outbox;
  }

  async stopRelay(): Promise<void> {
    await this.relay?.stop();
    await this.publisher?.close();
    this.relay = undefined;
    this.publisher = undefined;
  }

  async traces(): Promise<number> {
    const exists = await this.db.query(`SELECT to_regclass('audit.trace') IS NOT NULL AS ok`);
    if (!exists[0].ok) return 0;
    const [{ n }] = await this.db.query('SELECT count(*)::int AS n FROM audit.trace');
    return n;
  }

  async pendingInOutbox(): Promise<number> {
    return new PostgresOutbox(this.db, SCHEMA).pending();
  }

  async waitForTraces(expected: number): Promise<void> {
    try {
      await until(
        `${expected} traces in audit.trace`,
        async () => {
          this.assertWorkersAlive();
          return (await this.traces()) >= expected;
        },
        ARRIVAL_TIMEOUT_MS,
        100,
      );
    } catch (error) {
      console.error(`where the events are: ${JSON.stringify(await this.whereAreTheEvents().catch((e) => String(e)))}`);
      throw error;
    }
  }

  async whereAreTheEvents(): Promise<Record<string, number | undefined>> {
    const stream = await this.jsm.streams.info(EVENT_STREAM).catch(() => undefined);
    const consumer = await this.jsm.consumers.info(EVENT_STREAM, DURABLE).catch(() => undefined);
    return {
      outbox: await this.pendingInOutbox(),
      stream: stream?.state.messages,
      consumerPending: consumer?.num_pending,
      consumerAckPending: consumer?.num_ack_pending,
      consumerRedelivered: consumer?.num_redelivered,
      traces: await this.traces(),
    };
  }

  cpu(): CpuSample {
    const postgres = this.postgresPid === undefined ? { children: [] } : postgresProcesses(join(this.dir, 'postgres', 'cluster'));
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      machine: machineTicks(),
      bench: (usage.user + usage.system) / 1e6,
      workers: this.workers.reduce((sum, w) => sum + cpuSeconds(w.pid), 0),
      nats: cpuSeconds(this.nats.process.pid),
      // Backends that already exited are counted in the postmaster's reaped time.
      postgres: (postgres.postmaster ? cpuSeconds(postgres.postmaster, true) : 0) + postgres.children.reduce((sum, pid) => sum + cpuSeconds(pid), 0),
    };
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
    await attempt('the relay', () => this.stopRelay());
    await attempt('the audit workers', () => Promise.all(this.workers.map((w) => w.stop('SIGTERM', 10_000))));
    await attempt('the NATS connection', () => this.connection.close());
    await attempt('the database pool', () => this.db.destroy());
    await attempt('the servers', () => Promise.all([this.postgres.stop(), this.nats.stop(), this.redis.stop()]));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Writing events: `domainEvent` and `appendToOutbox` inside a transaction, as a service does

const ACTOR = { accountId: '0c4a1f7e9d2b4a6f8e3d5c7b9a1f3e5d', accountName: 'bench-account', userId: 'b3f1e2d4c5a6', userName: 'bench-user' };

function pulledEvent(n: number): OutboxEntry {
  const organization = `bench-org-${n % 10}`;
  const repository = `repo-${String(n % 100).padStart(3, '0')}`;
  return domainEvent('repository.pulled', { type: RESOURCE_TYPES.repository, name: `${organization}/${repository}` }, { organization, repository, count: 1 + (n % 7) }, { actor: ACTOR });
}

interface Written {
  readonly ids: string[];
  readonly ms: number;
  readonly transactionMs: number[];
  /** Each transaction's event ids and when its commit returned (epoch ms). */
  readonly commits: Array<{ readonly ids: readonly string[]; readonly at: number }>;
}

/** `WRITERS` concurrent writers, each committing `PER_TRANSACTION` events at a time until all are written. */
async function writeEvents(db: DataSource): Promise<Written> {
  const ids: string[] = [];
  const transactionMs: number[] = [];
  const commits: Written['commits'] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (next < EVENTS) {
        const first = next;
        const count = Math.min(PER_TRANSACTION, EVENTS - first);
        next += count;
        const t = performance.now();
        const inTransaction: string[] = [];
        await db.transaction(async (tx) => {
          for (let i = 0; i < count; i++) {
            const entry = pulledEvent(first + i);
            await appendToOutbox(tx, SCHEMA, entry);
            inTransaction.push(entry.id);
          }
        });
        const committed = performance.now();
        ids.push(...inTransaction);
        commits.push({ ids: inTransaction, at: performance.timeOrigin + committed });
        transactionMs.push(committed - t);
      }
    }),
  );
  return { ids, ms: performance.now() - started, transactionMs, commits };
}

// ---------------------------------------------------------------------------------------------
// Reading the results back

interface Trail {
  readonly stored: number;
  readonly distinct: number;
  readonly written: number;
  readonly spanS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The worker's insert rate: traces over the span from the first record_time to the last. */
  readonly insertSpanS: number;
}

async function readTrail(db: DataSource, ids: string[]): Promise<Trail> {
  const [row] = await db.query(
    `SELECT count(*)::int AS stored, count(DISTINCT trace_id)::int AS distinct,
            count(*) FILTER (WHERE trace_id = ANY($1::uuid[]))::int AS written,
            extract(epoch FROM max(record_time) - min(time))::float8 AS span_s,
            extract(epoch FROM max(record_time) - min(record_time))::float8 AS insert_span_s,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM record_time - time)) * 1000)::float8 AS p50_ms,
            (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM record_time - time)) * 1000)::float8 AS p99_ms,
            (extract(epoch FROM max(record_time - time)) * 1000)::float8 AS max_ms
       FROM audit.trace`,
    [ids],
  );
  return {
    stored: row.stored,
    distinct: row.distinct,
    written: row.written,
    spanS: row.span_s,
    insertSpanS: row.insert_span_s,
    p50Ms: row.p50_ms,
    p99Ms: row.p99_ms,
    maxMs: row.max_ms,
  };
}

/** The workers' batches: the rows of one INSERT share their transaction id (xmin). */
async function workerBatches(db: DataSource): Promise<{ count: number; sizes: number[]; intervalMs: number }> {
  const rows: Array<{ n: number; first: Date }> = await db.query(
    `SELECT count(*)::int AS n, min(record_time) AS first FROM audit.trace GROUP BY xmin::text ORDER BY first`,
  );
  const sizes = rows.map((r) => r.n).sort((a, b) => a - b);
  const span = rows.length > 1 ? rows[rows.length - 1].first.getTime() - rows[0].first.getTime() : 0;
  return { count: rows.length, sizes, intervalMs: rows.length > 1 ? span / (rows.length - 1) : NaN };
}

/**
 * The lag in three: from the event's time until its transaction committed (the writer's transaction),
 * from then until the relay had it acknowledged by JetStream (outbox wait and publishing), and from
 * then until the worker's insert (consumer and insert).
 */
async function describeLagSplit(db: DataSource, written: Written, drains: Drain[]): Promise<string> {
  const committedAt = new Map<string, number>();
  for (const c of written.commits) for (const id of c.ids) committedAt.set(id, c.at);
  const publishedAt = new Map<string, number>();
  for (const d of drains) for (const id of d.ids) publishedAt.set(id, d.publishedAt);
  const rows: Array<{ id: string; t: number; r: number }> = await db.query(
    `SELECT trace_id::text AS id, (extract(epoch FROM time) * 1000)::float8 AS t, (extract(epoch FROM record_time) * 1000)::float8 AS r FROM audit.trace`,
  );
  const [inTransaction, relayed, consumed]: number[][] = [[], [], []];
  for (const row of rows) {
    const committed = committedAt.get(row.id);
    const published = publishedAt.get(row.id);
    if (committed === undefined || published === undefined) continue;
    inTransaction.push(committed - row.t);
    relayed.push(published - committed);
    consumed.push(row.r - published);
  }
  const summary = (values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms`;
  };
  return `lag split: event time → commit ${summary(inTransaction)}; commit → acknowledged by JetStream ${summary(relayed)}; acknowledged → stored ${summary(consumed)}`;
}

function describeWrites(written: Written): string {
  const tx = [...written.transactionMs].sort((a, b) => a - b);
  return (
    `writers: ${EVENTS} events in ${written.transactionMs.length} transactions of ${PER_TRANSACTION} by ${WRITERS} writer(s) in ${seconds(written.ms)} ` +
    `= ${Math.round(EVENTS / (written.ms / 1000))} events/s (transaction p50 ${percentile(tx, 50).toFixed(1)} ms, p99 ${percentile(tx, 99).toFixed(1)} ms)`
  );
}

function describeRelay({ drains, empty }: TimedOutbox): string {
  if (!drains.length) return 'relay: moved nothing';
  const batchSize = Math.max(...drains.map((d) => d.entries));
  // The relay rests for its idle time after each drain that found less than a full batch.
  const short = drains.filter((d) => d.entries < batchSize).length + empty;
  const moved = drains.reduce((sum, d) => sum + d.entries, 0);
  const activeMs = drains.reduce((sum, d) => sum + d.totalMs, 0);
  const spanMs = drains[drains.length - 1].endedAt - drains[0].startedAt;
  const sizes = drains.map((d) => d.entries).sort((a, b) => a - b);
  return (
    `relay: ${moved} events in ${drains.length} drains (size p50 ${percentile(sizes, 50)}, max ${sizes[sizes.length - 1]}) over ${seconds(spanMs)} ` +
    `= ${Math.round(moved / (spanMs / 1000))} events/s; busy ${Math.round((100 * activeMs) / spanMs)}% of that span, ` +
    `${Math.round(moved / (activeMs / 1000))} events/s while draining; per drain: lock ${mean(drains.map((d) => d.lockMs)).toFixed(1)} ms, ` +
    `publish ${mean(drains.map((d) => d.publishMs)).toFixed(1)} ms, delete+commit ${mean(drains.map((d) => d.totalMs - d.lockMs - d.publishMs)).toFixed(1)} ms; ` +
    `${short} drains (${empty} of them empty) found less than ${batchSize} and were followed by the idle wait`
  );
}

function describeWorkers(batches: { count: number; sizes: number[]; intervalMs: number }, trail: Trail): string {
  const { sizes } = batches;
  return (
    `workers: ${trail.stored} traces in ${batches.count} insert batches (size mean ${mean(sizes).toFixed(0)}, p50 ${percentile(sizes, 50)}, max ${sizes[sizes.length - 1]}), ` +
    `one every ${batches.intervalMs.toFixed(1)} ms; first to last insert ${seconds(trail.insertSpanS * 1000)} = ${Math.round(trail.stored / trail.insertSpanS)} traces/s`
  );
}

function describeCpu(from: CpuSample, to: CpuSample, replicas: number): string {
  const wallS = (to.at - from.at) / 1000;
  const busy = (100 * (to.machine.busy - from.machine.busy)) / (to.machine.total - from.machine.total);
  const part = (s: number) => `${s.toFixed(2)} s (${Math.round((100 * s) / wallS)}%)`;
  return (
    `cpu over ${seconds(wallS * 1000)} on ${cpus().length} cores: machine ${busy.toFixed(0)}% busy; bench (writers + relay) ${part(to.bench - from.bench)}, ` +
    `${replicas} worker(s) ${part(to.workers - from.workers)}, nats-server ${part(to.nats - from.nats)}, postgres ${part(to.postgres - from.postgres)}`
  );
}

async function checkDelivery(stack: Stack): Promise<string> {
  const stream = await stack.jsm.streams.info(EVENT_STREAM);
  const consumer = await stack.jsm.consumers.info(EVENT_STREAM, DURABLE);
  const dead = await stack.jsm.streams.info('SWR_DEAD_LETTERS').catch(() => undefined);
  return `stream: ${stream.state.messages} messages; consumer "${DURABLE}": ${consumer.num_redelivered} redelivered, ${consumer.num_ack_pending} unacknowledged; dead letters: ${dead?.state.messages ?? 0}`;
}

// ---------------------------------------------------------------------------------------------
// The runs

interface Result {
  readonly replicas: number;
  readonly eventsPerSecond: number;
  readonly trail: Trail;
}

async function runPipeline(replicas: number, stacks: Set<Stack>): Promise<Result> {
  console.log(`\n== ${replicas} audit worker replica(s)`);
  const stack = await Stack.start();
  stacks.add(stack);
  try {
    let t = performance.now();
    await stack.startWorkers(replicas);
    console.log(`${replicas} audit worker(s) pulling after ${seconds(performance.now() - t)}`);
    const outbox = await stack.startRelay();
    const before = stack.cpu();
    t = performance.now();
    const written = await writeEvents(stack.db);
    await stack.waitForTraces(EVENTS);
    const after = stack.cpu();
    const wallMs = performance.now() - t;
    await stack.stopRelay();
    // Let acknowledgements settle before the stream's and consumer's state is read.
    await sleep(200);

    const trail = await readTrail(stack.db, written.ids);
    console.log(describeWrites(written));
    console.log(describeRelay(outbox));
    console.log(describeWorkers(await workerBatches(stack.db), trail));
    console.log(await describeLagSplit(stack.db, written, outbox.drains));
    console.log(describeCpu(before, after, replicas));
    console.log(await checkDelivery(stack));
    console.log(`all ${EVENTS} stored ${seconds(wallMs)} after the first write`);
    if (trail.stored !== EVENTS || trail.distinct !== EVENTS || trail.written !== EVENTS) {
      throw new Error(`expected exactly the ${EVENTS} written events in audit.trace, found ${trail.stored} rows, ${trail.distinct} distinct, ${trail.written} of the written ids`);
    }
    return { replicas, eventsPerSecond: EVENTS / trail.spanS, trail };
  } catch (error) {
    const died = stack.workers.find((w) => w.child.exitCode !== null);
    if (died) console.error(`audit worker ${died.pid} output:\n${died.output().slice(-3000)}`);
    if (/postgres/i.test(String(error))) console.error(`postgres output:\n${stack.postgresOutput().slice(-3000)}`);
    throw error;
  } finally {
    stacks.delete(stack);
    await stack.stop();
  }
}

/** Each stage alone on a fresh stack: writing, then the relay draining the backlog, then one worker consuming it. */
async function runStages(stacks: Set<Stack>): Promise<void> {
  console.log(`\n== stages alone (fresh stack, one stage at a time, 1 worker)`);
  const stack = await Stack.start();
  stacks.add(stack);
  try {
    let before = stack.cpu();
    const written = await writeEvents(stack.db);
    console.log(`1. ${describeWrites(written)}`);
    console.log(`   ${describeCpu(before, stack.cpu(), 0)}`);

    before = stack.cpu();
    const outbox = await stack.startRelay();
    await until('the outbox to drain', async () => (await stack.pendingInOutbox()) === 0, ARRIVAL_TIMEOUT_MS, 20);
    const relayCpu = stack.cpu();
    await stack.stopRelay();
    console.log(`2. ${describeRelay(outbox)}`);
    console.log(`   ${describeCpu(before, relayCpu, 0)}`);

    before = stack.cpu();
    await stack.startWorkers(1, false);
    await stack.waitForTraces(EVENTS);
    const after = stack.cpu();
    const trail = await readTrail(stack.db, written.ids);
    console.log(`3. ${describeWorkers(await workerBatches(stack.db), trail)} (backlog of ${EVENTS}; timed from the first insert, start-up excluded)`);
    console.log(`   ${describeCpu(before, after, 1)} (includes the worker's start-up)`);
    console.log(`   ${await checkDelivery(stack)}`);
  } finally {
    stacks.delete(stack);
    await stack.stop();
  }
}

async function main(): Promise<void> {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run "node tools/build-app.mjs apps/audit-worker" (scripts/bench-audit.sh does)`);
  const stacks = new Set<Stack>();
  let interrupted = false;
  const onSignal = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`${signal}: stopping the servers and workers`);
    void Promise.all([...stacks].map((s) => s.stop())).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // The machine may be shared: the load says how much of the result is someone else's.
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
    console.log(
      `${EVENTS} repository.pulled events, ${PER_TRANSACTION} per transaction, ${WRITERS} concurrent writer(s); outbox relay with its default settings; ` +
        `PostgreSQL with fsync; target ≥ ${TARGET_EVENTS_PER_SECOND} events/s with one replica`,
    );
    const results: Result[] = [];
    for (const replicas of REPLICAS) results.push(await runPipeline(replicas, stacks));
    if (STAGES) await runStages(stacks);

    console.log('\nevents/s: events over first event time → last record_time; lag: record_time - event time\n');
    const header = `${'replicas'.padStart(8)} ${'events/s'.padStart(9)} ${'lag p50'.padStart(10)} ${'lag p99'.padStart(10)} ${'lag max'.padStart(10)} ${'stored'.padStart(13)}`;
    console.log(header);
    console.log('-'.repeat(header.length));
    for (const r of results) {
      const ms = (v: number) => `${v.toFixed(0)} ms`.padStart(10);
      const stored = `${r.trail.distinct}/${EVENTS}`;
      console.log(`${String(r.replicas).padStart(8)} ${String(Math.round(r.eventsPerSecond)).padStart(9)} ${ms(r.trail.p50Ms)} ${ms(r.trail.p99Ms)} ${ms(r.trail.maxMs)} ${stored.padStart(13)}`);
    }
    const one = results.find((r) => r.replicas === 1);
    if (one) {
      const met = one.eventsPerSecond >= TARGET_EVENTS_PER_SECOND;
      console.log(`\nsummary: one replica ${met ? 'meets' : 'misses'} the target of ${TARGET_EVENTS_PER_SECOND} events/s (${Math.round(one.eventsPerSecond)} events/s)`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
