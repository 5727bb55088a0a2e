import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';
import { Client } from 'pg';
import { PreparingClient } from './preparing-client';

describe('PreparingClient (real PostgreSQL)', () => {
  let postgres: EmbeddedPostgresHandle;
  let dir: string;
  // Used as pg's Client, as the pool uses it.
  let client: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-preparing-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    client = new PreparingClient({ connectionString: postgres.url });
    await client.connect();
    await client.query('CREATE TABLE thing (id int PRIMARY KEY, label text NOT NULL, weight int NOT NULL)');
    await client.query("INSERT INTO thing SELECT g, 'thing ' || g, g * 10 FROM generate_series(1, 20) g");
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The statements this session holds prepared. */
  const prepared = async () => (await client.query('SELECT statement FROM pg_prepared_statements')).rows.map((r: { statement: string }) => r.statement);

  it('prepares a parameterised statement once and answers it as an unnamed one would', async () => {
    const sql = 'SELECT label, weight FROM thing WHERE id = $1';
    for (const id of [3, 7, 3]) expect((await client.query(sql, [id])).rows).toEqual([{ label: `thing ${id}`, weight: id * 10 }]);
    expect((await prepared()).filter((s) => s === sql)).toHaveLength(1);
  });

  it('leaves statements without parameters, and stars over a table\'s columns, unnamed', async () => {
    await client.query('CREATE SCHEMA IF NOT EXISTS kept');
    await client.query('CREATE TABLE IF NOT EXISTS kept.item (id int PRIMARY KEY, note text)');
    const starred = [
      'SELECT * FROM kept.item WHERE id = $1',
      'SELECT * FROM "kept"."item" WHERE id = $1',
      'SELECT i.* FROM kept.item i WHERE i.id = $1',
      'INSERT INTO kept.item (id, note) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET note = EXCLUDED.note RETURNING *',
    ];
    for (const sql of starred) await client.query(sql, sql.includes('$2') ? [1, 'one'] : [1]);
    await client.query('SELECT 1 AS one; SELECT 2 AS two');
    const shaped = ['SELECT count(*) AS n FROM thing WHERE weight > $1', 'WITH picked AS (SELECT id, label FROM thing WHERE id = $1) SELECT * FROM picked'];
    for (const sql of shaped) await client.query(sql, [5]);
    const held = await prepared();
    expect(held.filter((s) => starred.includes(s) || s.includes('SELECT 1'))).toEqual([]);
    expect(held.filter((s) => shaped.includes(s))).toHaveLength(2);
  });

  it('fails once when a migration changes a prepared result, then prepares it afresh', async () => {
    const sql = 'SELECT label, weight FROM thing WHERE id = $1 AND weight >= $2';
    expect((await client.query(sql, [2, 0])).rows).toEqual([{ label: 'thing 2', weight: 20 }]);
    await client.query('ALTER TABLE thing ALTER COLUMN weight TYPE bigint');
    await expect(client.query(sql, [2, 0])).rejects.toMatchObject({ code: '0A000' });
    // pg returns bigint as text: the new column type shows that the statement was planned again.
    expect((await client.query(sql, [2, 0])).rows).toEqual([{ label: 'thing 2', weight: '20' }]);
  });

  it('keeps answering past the number of statements a connection prepares', async () => {
    for (let i = 0; i < 220; i++) expect((await client.query(`SELECT id + ${i} AS n FROM thing WHERE id = $1`, [1])).rows[0].n).toBe(1 + i);
    expect((await prepared()).length).toBeLessThanOrEqual(200);
  });
});
