import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from './database';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';
import { TRANSIENT_COMMIT } from './transient-commit';

const SCHEMA = 'transientspec';

describe('transient commits (real PostgreSQL, durable as a registry runs it)', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-transient-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir, durable: true });
    db = await openDatabase({ url: postgres.url, schema: SCHEMA, migrations: [] });
    await db.query(`CREATE TABLE ${SCHEMA}.progress (id serial PRIMARY KEY, note text NOT NULL)`);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits its statement without flushing the log, which a plain commit still does, and leaves the connection durable', async () => {
    // One connection throughout: a setting that outlived its statement would show on the next one.
    const connection = db.createQueryRunner();
    await connection.connect();
    // This connection's own flushes: its statistics reach pg_stat_io once it is told to report them.
    const walFlushes = async () => {
      await connection.query('SELECT pg_stat_force_next_flush()');
      return Number((await connection.query("SELECT coalesce(sum(fsyncs), 0) AS n FROM pg_stat_io WHERE object = 'wal'"))[0].n);
    };
    const before = await walFlushes();
    for (let i = 0; i < 20; i++) await connection.query(`INSERT INTO ${SCHEMA}.progress (note) SELECT $1 WHERE ${TRANSIENT_COMMIT}`, [`transient ${i}`]);
    const afterTransient = await walFlushes();
    expect((await connection.query('SHOW synchronous_commit'))[0].synchronous_commit).toBe('on');

    for (let i = 0; i < 5; i++) await connection.query(`INSERT INTO ${SCHEMA}.progress (note) VALUES ($1)`, [`durable ${i}`]);
    const afterDurable = await walFlushes();

    expect(afterTransient - before).toBeLessThan(5);
    expect(afterDurable - afterTransient).toBeGreaterThanOrEqual(5);
    expect((await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.progress`))[0].n).toBe(25);
    await connection.release();
  });
});
