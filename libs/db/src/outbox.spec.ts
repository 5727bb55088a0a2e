import type { OutboxEntry } from '@swr/contracts';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from './database';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';
import { appendToOutbox, outboxTableSql, PostgresOutbox } from './outbox';

const SCHEMA = 'outboxspec';

describe('draining an outbox (real PostgreSQL)', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  let outbox: PostgresOutbox;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-outbox-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    // A pool of two: a drain that kept a connection in an open transaction would stall the rest.
    db = await openDatabase({ url: postgres.url, schema: SCHEMA, migrations: [], poolSize: 2 });
    await db.query(outboxTableSql(SCHEMA));
    outbox = new PostgresOutbox(db, SCHEMA);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => db.query(`DELETE FROM ${SCHEMA}.outbox`));

  async function write(count: number): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    for (const id of ids) await appendToOutbox(db, SCHEMA, { id, subject: 'swr.events.test', payload: JSON.stringify({ id }) });
    return ids;
  }

  it('hands over the oldest entries first, in batches, and removes the published ones', async () => {
    const ids = await write(5);
    const batches: string[][] = [];
    const take = (entries: OutboxEntry[]) => {
      batches.push(entries.map((e) => e.id));
      return Promise.resolve(entries.map((e) => e.id));
    };
    expect(await outbox.drain(3, take, true)).toBe(3);
    expect(await outbox.drain(3, take, true)).toBe(2);
    expect(await outbox.drain(3, take, true)).toBe(0);
    expect(batches).toEqual([ids.slice(0, 3), ids.slice(3)]);
    expect(await outbox.pending()).toBe(0);
  });

  it('keeps what was not published, and everything when publishing fails', async () => {
    const ids = await write(3);
    expect(await outbox.drain(10, (entries) => Promise.resolve([entries[1].id]), true)).toBe(1);
    await expect(outbox.drain(10, () => Promise.reject(new Error('stream down')), true)).rejects.toThrow('stream down');
    const seen: string[] = [];
    await outbox.drain(10, (entries) => Promise.resolve(entries.map((e) => (seen.push(e.id), e.id))), true);
    expect(seen).toEqual([ids[0], ids[2]]);
  });

  it('never hands the same entry to two drains at once', async () => {
    await write(20);
    const handed: string[] = [];
    const slowly = async (entries: OutboxEntry[]) => {
      handed.push(...entries.map((e) => e.id));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return entries.map((e) => e.id);
    };
    const drains = await Promise.all([outbox.drain(5, slowly, true), outbox.drain(5, slowly, true)]);
    expect(drains).toEqual([5, 5]);
    expect(new Set(handed).size).toBe(10);
    expect(await outbox.pending()).toBe(10);
  });

  it('leaves its connection out of any transaction, whatever the outcome', async () => {
    await write(2);
    await expect(outbox.drain(10, () => Promise.reject(new Error('stream down')), true)).rejects.toThrow();
    await outbox.drain(10, (entries) => Promise.resolve(entries.map((e) => e.id)), true);
    // Every pooled connection in turn: none still holds a transaction, so a write is seen by another session at once.
    const runners = [db.createQueryRunner(), db.createQueryRunner()];
    try {
      for (const runner of runners) {
        await runner.connect();
        expect((await runner.query('SELECT now() = statement_timestamp() AS fresh'))[0].fresh).toBe(true);
      }
    } finally {
      await Promise.all(runners.map((r) => r.release()));
    }
    expect(await outbox.pending()).toBe(0);
  });
});
