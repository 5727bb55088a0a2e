import { EVENT_STREAM, eventSubject } from '@swr/contracts';
import { appendToOutbox, EmbeddedPostgresHandle, openDatabase, outboxTableSql, PostgresOutbox, startEmbeddedPostgres } from '@swr/db';
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
