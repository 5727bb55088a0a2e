import { DEAD_LETTER_HEADERS, DEAD_LETTER_STREAM, deadLetterSubject, EVENT_STREAM, EventEnvelope, eventSubject } from '@swr/contracts';
import { claimEvents, EmbeddedPostgresHandle, openDatabase, processedEventsTableSql, startEmbeddedPostgres } from '@swr/db';
import { NatsServerHandle, startNatsServer, waitFor } from '@swr/testing';
import { connect, NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { DeadLetteredError, EventHandler } from './event-consumer';
import { JetStreamEventPublisher } from './event-publisher';
import { JetStreamConsumerSettings, JetStreamEventConsumer } from './jetstream-event-consumer';

const SCHEMA = 'consumertest';

function envelope(n: number): EventEnvelope {
  return {
    id: randomUUID(),
    type: 'test.thing',
    time: new Date().toISOString(),
    actor: {},
    resource: { type: 'thing', name: `thing-${n}` },
    outcome: { code: 200 },
    data: { n },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('JetStream event consumer (real nats-server and PostgreSQL)', () => {
  let postgres: EmbeddedPostgresHandle;
  let nats: NatsServerHandle;
  let db: DataSource;
  let dir: string;
  let publisher: JetStreamEventPublisher;
  let admin: NatsConnection;
  const consumers: JetStreamEventConsumer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-consumer-spec-'));
    chmodSync(dir, 0o755);
    [postgres, nats] = await Promise.all([startEmbeddedPostgres({ dataDir: dir }), startNatsServer()]);
    db = await openDatabase({ url: postgres.url, schema: SCHEMA, migrations: [] });
    await db.query(processedEventsTableSql(SCHEMA));
    publisher = await JetStreamEventPublisher.connect({ servers: nats.url });
    admin = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await publisher?.close();
    await admin?.close();
    await db?.destroy();
    await Promise.all([postgres?.stop(), nats?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });
  // Each test's new durable starts at the beginning of the stream: make that the test's own events.
  beforeEach(async () => {
    await (await admin.jetstreamManager()).streams.purge(EVENT_STREAM);
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });

  async function consumer(settings: Omit<JetStreamConsumerSettings, 'servers'>): Promise<JetStreamEventConsumer> {
    const created = await JetStreamEventConsumer.connect({ servers: nats.url, ...settings });
    consumers.push(created);
    return created;
  }

  /** Publishes as the outbox relay does: what failed (a server still starting) is published again, under the same id. */
  async function publish(events: readonly EventEnvelope[]): Promise<void> {
    for (let i = 0; i < events.length; i += 250) {
      let left = events.slice(i, i + 250);
      for (let attempt = 1; left.length; attempt++) {
        const results = await Promise.allSettled(left.map((e) => publisher.publish(eventSubject(e.type), JSON.stringify(e), e.id)));
        const failed = results.flatMap((r, at) => (r.status === 'rejected' ? [{ event: left[at], reason: r.reason }] : []));
        if (failed.length && attempt === 5) throw failed[0].reason;
        left = failed.map((f) => f.event);
      }
    }
  }

  /** Claims the events in PostgreSQL as a real handler does, and logs what each call got and claimed. */
  function claiming(durable: string, options: { delayMs?: number } = {}) {
    const delivered: string[] = [];
    const claimed: string[] = [];
    let calls = 0;
    let running = 0;
    const handler: EventHandler = {
      async handle(events) {
        calls++;
        running++;
        try {
          delivered.push(...events.map((e) => e.id));
          await db.transaction(async (tx) => {
            const fresh = await claimEvents(tx, SCHEMA, durable, events.map((e) => e.id));
            if (options.delayMs) await sleep(options.delayMs);
            claimed.push(...fresh);
          });
        } finally {
          running--;
        }
      },
    };
    return { handler, delivered, claimed, calls: () => calls, running: () => running };
  }

  async function claimedRows(durable: string): Promise<number> {
    const rows: Array<{ n: number }> = await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.processed_event WHERE consumer = $1`, [durable]);
    return rows[0].n;
  }

  async function consumerInfo(durable: string) {
    return (await admin.jetstreamManager()).consumers.info(EVENT_STREAM, durable);
  }

  it('shares 2,000 events between two replicas of a kind: each handled once, by one replica', async () => {
    const [one, two] = [claiming('share'), claiming('share')];
    await (await consumer({ durable: 'share', batchSize: 64 })).start(one.handler);
    await (await consumer({ durable: 'share', batchSize: 64 })).start(two.handler);
    const events = Array.from({ length: 2_000 }, (_, i) => envelope(i));

    await publish(events);
    await waitFor('every event handled', async () => (await claimedRows('share')) === 2_000, 30_000);
    await waitFor('every event acknowledged', async () => (await consumerInfo('share')).num_ack_pending === 0, 10_000);

    expect(one.delivered.length).toBeGreaterThan(0);
    expect(two.delivered.length).toBeGreaterThan(0);
    const both = new Set(one.delivered);
    expect(two.delivered.filter((id) => both.has(id))).toEqual([]);
    expect([...one.delivered, ...two.delivered].sort()).toEqual(events.map((e) => e.id).sort());
    expect([...one.claimed, ...two.claimed]).toHaveLength(2_000);
    expect((await consumerInfo('share')).num_pending).toBe(0);
  }, 60_000);

  it('acknowledges the others while one event fails, redelivers it with backoff, then dead-letters it', async () => {
    const events = Array.from({ length: 50 }, (_, i) => envelope(i));
    const poison = events[17];
    const attempts: number[] = [];
    const handled = new Set<string>();
    const errors: Array<{ error: unknown; event?: EventEnvelope }> = [];
    const handler: EventHandler = {
      async handle(batch) {
        if (batch.some((e) => e.id === poison.id)) {
          // Once per delivery, the poison is offered alone (in a batch, after that batch failed): the time between those is the backoff.
          if (batch.length === 1) attempts.push(Date.now());
          throw new Error(`no handler for\r\nthis one`);
        }
        batch.forEach((e) => handled.add(e.id));
      },
    };
    await (await consumer({ durable: 'poison', batchSize: 16, maxDeliver: 3, backoffMs: [50, 100], onError: (error, event) => errors.push({ error, event }) })).start(handler);

    await publish(events);
    // Not an envelope at all: dead-lettered on its first delivery.
    const junk = await admin.jetstream().publish(eventSubject('test.junk'), Buffer.from('{"not":"an event"}'));

    const jsm = await admin.jetstreamManager();
    await waitFor('two dead letters', async () => (await jsm.streams.info(DEAD_LETTER_STREAM)).state.messages === 2, 20_000);
    await waitFor('nothing left pending', async () => {
      const info = await consumerInfo('poison');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 10_000);

    expect([...handled].sort()).toEqual(events.filter((e) => e !== poison).map((e) => e.id).sort());
    // Deliveries 2 and 3 came after the backoff for attempts 1 and 2.
    expect(attempts).toHaveLength(3);
    const last = attempts;
    expect(last[1] - last[0]).toBeGreaterThanOrEqual(40);
    expect(last[2] - last[1]).toBeGreaterThanOrEqual(90);

    const first = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: 1 });
    const second = await jsm.streams.getMessage(DEAD_LETTER_STREAM, { seq: 2 });
    const [dead, notEvent] = first.header.get(DEAD_LETTER_HEADERS.eventId) ? [first, second] : [second, first];
    expect(dead.subject).toBe(deadLetterSubject('poison'));
    expect(JSON.parse(Buffer.from(dead.data).toString())).toEqual(poison);
    expect(dead.header.get(DEAD_LETTER_HEADERS.eventId)).toBe(poison.id);
    expect(dead.header.get(DEAD_LETTER_HEADERS.originalSubject)).toBe(eventSubject('test.thing'));
    expect(dead.header.get(DEAD_LETTER_HEADERS.deliveries)).toBe('3');
    expect(dead.header.get(DEAD_LETTER_HEADERS.error)).toBe('Error: no handler for this one');
    expect(Buffer.from(notEvent.data).toString()).toBe('{"not":"an event"}');
    expect(notEvent.header.get(DEAD_LETTER_HEADERS.originalSequence)).toBe(String(junk.seq));
    expect(notEvent.header.get(DEAD_LETTER_HEADERS.deliveries)).toBe('1');
    expect(notEvent.header.get(DEAD_LETTER_HEADERS.error)).toMatch(/^Error: not an event envelope/);

    const deadLettered = errors.filter((e) => e.error instanceof DeadLetteredError);
    expect(deadLettered.map((e) => e.event?.id)).toEqual(expect.arrayContaining([poison.id, undefined]));
    expect(deadLettered).toHaveLength(2);
  }, 60_000);

  it('pauses while nats-server is down and resumes when it is back: every event handled, none twice', async () => {
    const work = claiming('outage', { delayMs: 20 });
    await (await consumer({ durable: 'outage', batchSize: 50, ackWaitMs: 3_000 })).start(work.handler);
    const before = Array.from({ length: 2_000 }, (_, i) => envelope(i));
    await publish(before);
    await waitFor('some events handled', async () => work.claimed.length >= 400, 20_000);

    await nats.halt();
    const handledAtHalt = work.claimed.length;
    expect(handledAtHalt).toBeLessThan(1_500);
    await sleep(1_000);
    // Only what had been pulled before the outage (the batch in hand, the buffer, the pull's rest) is handled during it.
    expect(work.claimed.length - handledAtHalt).toBeLessThanOrEqual(3 * 50);
    await nats.start();

    await waitFor('the first events handled', async () => work.claimed.length >= 2_000, 30_000);
    const after = Array.from({ length: 200 }, (_, i) => envelope(2_000 + i));
    await publish(after);
    await waitFor('every event handled', async () => work.claimed.length >= 2_200, 30_000);
    await waitFor('every event acknowledged', async () => {
      const info = await consumerInfo('outage');
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, 15_000);

    // A restart while the consumer waits on an empty stream: its lost pull is replaced, and new events flow.
    await nats.halt();
    await nats.start();
    await waitFor('the event stream back', async () => !!(await (await admin.jetstreamManager()).streams.info(EVENT_STREAM)), 15_000);
    const idle = Array.from({ length: 100 }, (_, i) => envelope(2_200 + i));
    await publish(idle);
    const republishedAt = Date.now();
    await waitFor('the events after an idle restart handled', async () => work.claimed.length >= 2_300, 30_000);
    expect(Date.now() - republishedAt).toBeLessThan(5_000);

    expect(work.claimed.length).toBe(2_300);
    expect(new Set(work.claimed).size).toBe(2_300);
    expect([...work.claimed].sort()).toEqual([...before, ...after, ...idle].map((e) => e.id).sort());
    expect(await claimedRows('outage')).toBe(2_300);
  }, 60_000);

  it('finishes the batch in hand on stop; a new consumer of the kind continues where it left off', async () => {
    const events = Array.from({ length: 1_000 }, (_, i) => envelope(i));
    await publish(events);
    const first = claiming('handover', { delayMs: 20 });
    const stopping = await consumer({ durable: 'handover', batchSize: 50, ackWaitMs: 5_000 });
    await stopping.start(first.handler);
    await waitFor('some events handled', async () => first.claimed.length >= 300, 20_000);

    await waitFor('a batch in hand', async () => first.running() > 0, 5_000, 1);
    await stopping.stop();
    expect(first.running()).toBe(0);
    const callsAtStop = first.calls();
    const claimedAtStop = first.claimed.length;
    // The batch in hand was committed and acknowledged: nothing of it is pending.
    expect(await claimedRows('handover')).toBe(claimedAtStop);

    const second = claiming('handover');
    const startedAt = Date.now();
    await (await consumer({ durable: 'handover', batchSize: 50, ackWaitMs: 5_000 })).start(second.handler);
    await waitFor('every event handled', async () => (await claimedRows('handover')) === 1_000, 30_000);
    // What the first had pulled but not handled was given back, not left to time out.
    expect(Date.now() - startedAt).toBeLessThan(4_000);

    expect(first.calls()).toBe(callsAtStop);
    expect([...first.claimed, ...second.claimed].sort()).toEqual(events.map((e) => e.id).sort());
    expect(second.claimed.filter((id) => first.claimed.includes(id))).toEqual([]);
  }, 60_000);

  it('brings an existing durable to the settings of the replica that connects', async () => {
    await consumer({ durable: 'settings', batchSize: 10, ackWaitMs: 5_000 });
    await consumer({ durable: 'settings', batchSize: 20, ackWaitMs: 7_000 });
    const { config } = await consumerInfo('settings');
    expect(config).toMatchObject({ ack_wait: 7_000 * 1_000_000, max_ack_pending: 160, max_deliver: -1, ack_policy: 'explicit', deliver_policy: 'all' });
  });
});
