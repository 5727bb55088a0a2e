import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from './database';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';
import { claimEvents, forgetProcessedBefore, processedEventsTableSql } from './processed-events';

const SCHEMA = 'claimspec';

describe('processed events (real PostgreSQL)', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-claim-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: SCHEMA, migrations: [] });
    await db.query(processedEventsTableSql(SCHEMA));
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns only the ids a consumer has not claimed before, per consumer', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await claimEvents(db, SCHEMA, 'audit', [a, b])).toEqual(new Set([a, b]));
    expect(await claimEvents(db, SCHEMA, 'audit', [a, b, c])).toEqual(new Set([c]));
    expect(await claimEvents(db, SCHEMA, 'audit', [a, b, c])).toEqual(new Set());
    // Another kind handles the same events on its own.
    expect(await claimEvents(db, SCHEMA, 'trigger', [b])).toEqual(new Set([b]));
    expect(await claimEvents(db, SCHEMA, 'audit', [])).toEqual(new Set());
  });

  it('counts an id repeated in one call once, and answers in the caller\'s spelling', async () => {
    const id = randomUUID();
    expect(await claimEvents(db, SCHEMA, 'audit', [id, id])).toEqual(new Set([id]));
    const upper = randomUUID().toUpperCase();
    expect(await claimEvents(db, SCHEMA, 'audit', [upper])).toEqual(new Set([upper]));
    expect(await claimEvents(db, SCHEMA, 'audit', [upper.toLowerCase()])).toEqual(new Set());
  });

  it('commits the claim with the handler\'s transaction: a rolled-back handler leaves the event unclaimed', async () => {
    const id = randomUUID();
    await expect(
      db.transaction(async (tx) => {
        expect(await claimEvents(tx, SCHEMA, 'audit', [id])).toEqual(new Set([id]));
        throw new Error('the handler failed after claiming');
      }),
    ).rejects.toThrow('the handler failed');
    expect(await claimEvents(db, SCHEMA, 'audit', [id])).toEqual(new Set([id]));
  });

  it('lets one of several concurrent claims of the same event win', async () => {
    const id = randomUUID();
    const claim = () => db.transaction(async (tx) => {
      const claimed = await claimEvents(tx, SCHEMA, 'race', [id]);
      await tx.query('SELECT pg_sleep(0.05)');
      return claimed.size;
    });
    const sizes = await Promise.all([claim(), claim(), claim()]);
    expect(sizes.sort()).toEqual([0, 0, 1]);
  });

  it('forgets what was processed before the cutoff', async () => {
    const [old, recent] = [randomUUID(), randomUUID()];
    await claimEvents(db, SCHEMA, 'prune', [old, recent]);
    await db.query(`UPDATE ${SCHEMA}.processed_event SET processed_at = now() - interval '10 days' WHERE id = $1`, [old]);
    expect(await forgetProcessedBefore(db, SCHEMA, new Date(Date.now() - 7 * 86_400_000))).toBe(1);
    expect(await claimEvents(db, SCHEMA, 'prune', [old, recent])).toEqual(new Set([old]));
  });
});
