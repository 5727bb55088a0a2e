import { EVENT_STREAM, eventSubject } from '@swr/contracts';
import { appendToOutbox, EmbeddedPostgresHandle, openDatabase, outboxAnnouncements, outboxTableSql, PostgresOutbox, startEmbeddedPostgres } from '@swr/db';
import { NatsServerHandle, startNatsServer, waitFor } from '@swr/testing';
import { connect, NatsConnection } from 'nats';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { JetStreamEventPublisher } from './event-publisher';
import { OutboxRelay } from './outbox-relay';

const SCHEMA = 'relaytest';

describe('outbox relay to JetStream (real PostgreSQL and nats-server)', () => {
  let postgres: EmbeddedPostgresHandle;
  let nats: NatsServerHandle;
  let db: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-relay-spec-'));
    chmodSync(dir, 0o755);
    [postgres, nats] = await Promise.all([startEmbeddedPostgres({ dataDir: dir }), startNatsServer()]);
    db = await openDatabase({ url: postgres.url, schema: SCHEMA, migrations: [] });
    await db.query(outboxTableSql(SCHEMA));
    const runner = db.createQueryRunner();
    try {
      await new (outboxAnnouncements(SCHEMA))().up(runner);
    } finally {
      await runner.release();
    }
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await Promise.all([postgres?.stop(), nats?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every event id the stream holds, read back with an ordered consumer. */
  async function storedIds(connection: NatsConnection, expected: number): Promise<string[]> {
    const consumer = await connection.jetstream().consumers.get(EVENT_STREAM);
    const messages = await consumer.consume();
    const ids: string[] = [];
    for await (const message of messages) {
      ids.push(JSON.parse(message.string()).id);
      if (ids.length === expected) break;
    }
    await messages.close();
    return ids;
  }

  async function writeEvent(): Promise<string> {
    const id = randomUUID();
    await db.transaction((tx) => appendToOutbox(tx, SCHEMA, { id, subject: eventSubject('test.thing'), payload: JSON.stringify({ id }) }));
    return id;
  }

  it('leaves an idle outbox alone, publishes a committed event at once, and looks every idleMs again while its announcements are not heard', async () => {
    const outbox = new PostgresOutbox(db, SCHEMA);
    let looks = 0;
    const counted = {
      drain: (limit: number, publish: Parameters<PostgresOutbox['drain']>[1], announced?: boolean) => (looks++, outbox.drain(limit, publish, announced)),
      watch: outbox.watch.bind(outbox),
    };
    const published: string[] = [];
    const publisher = { publish: async (_subject: string, _payload: string, id: string) => void published.push(id), close: async () => undefined };
    // A minute between looks unless a write is announced: only the announcement can explain a prompt publish.
    const relay = new OutboxRelay(counted, publisher, { idleMs: 100, quietMs: 60_000 });
    relay.start();
    try {
      await waitFor('the relay to look once', async () => looks >= 1, 5_000);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(looks).toBeLessThanOrEqual(2);

      const first = await writeEvent();
      await waitFor('the announced event to be published', async () => published.includes(first), 2_000);

      // The listener's connection killed: the relay polls until it listens again, and misses nothing.
      await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${SCHEMA}_outbox'`);
      const second = await writeEvent();
      await waitFor('the event written while unheard to be published', async () => published.includes(second), 3_000);
      const third = await writeEvent();
      await waitFor('an event after the listener is back to be published', async () => published.includes(third), 3_000);
    } finally {
      await relay.stop();
    }
    expect(await outbox.pending()).toBe(0);
  }, 30_000);

  it('delivers every committed event exactly once across a NATS outage, and drops a republished one', async () => {
    const publisher = await JetStreamEventPublisher.connect({ servers: nats.url });
    const relay = new OutboxRelay(new PostgresOutbox(db, SCHEMA), publisher, { maxBackoffMs: 500 });
    relay.start();
    const written: string[] = [];
    const write = async (count: number) => {
      await db.transaction(async (tx) => {
        for (let i = 0; i < count; i++) {
          const id = randomUUID();
          written.push(id);
          await appendToOutbox(tx, SCHEMA, { id, subject: eventSubject('test.thing'), payload: JSON.stringify({ id, n: written.length }) });
        }
      });
    };
    for (let i = 0; i < 10; i++) await write(50);
    await nats.halt();
    for (let i = 0; i < 10; i++) await write(50);
    await new Promise((r) => setTimeout(r, 1_000));
    await nats.start();
    for (let i = 0; i < 10; i++) await write(50);
    const outbox = new PostgresOutbox(db, SCHEMA);
    await waitFor('the outbox to drain', async () => (await outbox.pending()) === 0, 30_000);
    await relay.stop();

    // The same event published again (a relay that crashed before removing it) is stored once.
    const again = written[0];
    await publisher.publish(eventSubject('test.thing'), JSON.stringify({ id: again }), again);
    await publisher.close();

    const connection = await connect({ servers: nats.url });
    try {
      const info = await (await connection.jetstreamManager()).streams.info(EVENT_STREAM);
      expect(info.state.messages).toBe(written.length);
      const ids = await storedIds(connection, written.length);
      expect(new Set(ids).size).toBe(written.length);
      expect([...ids].sort()).toEqual([...written].sort());
    } finally {
      await connection.close();
    }
  }, 90_000);
});
