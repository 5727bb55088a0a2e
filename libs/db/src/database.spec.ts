import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureDatabase, openDatabase } from './database';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './embedded-postgres';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(db: QueryRunner) {
    // Slow on purpose, so replicas starting together would overlap without the lock.
    await db.query('SELECT pg_sleep(0.2)');
    await db.query('CREATE TABLE spec.thing (id int PRIMARY KEY)');
  }
  async down(db: QueryRunner) {
    await db.query('DROP TABLE spec.thing');
  }
}

describe('openDatabase', () => {
  let postgres: EmbeddedPostgresHandle;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-db-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
  }, 60_000);
  afterAll(async () => {
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database the URL names when it is missing, once however many replicas start together', async () => {
    const url = postgres.url.replace(/\/postgres$/, '/fresh_swr');
    const open = () => openDatabase({ url, schema: 'spec', migrations: [CreateThings1700000000000], poolSize: 2 });
    const replicas = await Promise.all([open(), open()]);
    expect(await replicas[0].query('SELECT current_database() AS name')).toEqual([{ name: 'fresh_swr' }]);
    await Promise.all(replicas.map((r) => r.destroy()));
  });

  it('says which statement to run when the role may not create the missing database', async () => {
    const admin = await openDatabase({ url: postgres.url, schema: 'spec', migrations: [CreateThings1700000000000], poolSize: 2 });
    await admin.query(`CREATE ROLE limited LOGIN PASSWORD 'limited-password' NOCREATEDB`);
    await admin.destroy();
    const url = postgres.url.replace(/\/\/[^@]+@/, '//limited:limited-password@').replace(/\/postgres$/, '/not_created');
    await expect(ensureDatabase(url)).rejects.toThrow('database not_created does not exist and role limited may not create it: run CREATE DATABASE "not_created" OWNER "limited";');
  });

  it('migrates once when several replicas start at the same time, and keeps data across reopening', async () => {
    const open = () => openDatabase({ url: postgres.url, schema: 'spec', migrations: [CreateThings1700000000000], poolSize: 2 });
    const replicas = await Promise.all([open(), open(), open()]);
    await replicas[0].query('INSERT INTO spec.thing VALUES (1)');
    const applied = await replicas[1].query('SELECT name FROM spec.migrations');
    expect(applied).toEqual([{ name: 'CreateThings1700000000000' }]);
    await Promise.all(replicas.map((r) => r.destroy()));

    const reopened = await open();
    expect(await reopened.query('SELECT id FROM spec.thing')).toEqual([{ id: 1 }]);
    await reopened.destroy();
  });
});

describe('startEmbeddedPostgres', () => {
  const started: Array<{ postgres: EmbeddedPostgresHandle; dir: string }> = [];
  const parents: string[] = [];
  afterAll(async () => {
    for (const { postgres, dir } of started) {
      await postgres.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    for (const parent of parents) rmSync(parent, { recursive: true, force: true });
  });

  async function start(parent: string): Promise<EmbeddedPostgresHandle> {
    const dir = mkdtempSync(join(parent, 'swr-pg-'));
    chmodSync(dir, 0o755);
    const postgres = await startEmbeddedPostgres({ dataDir: dir });
    started.push({ postgres, dir });
    return postgres;
  }

  /** inet_server_addr() is null over a Unix socket and the server's address over TCP. */
  async function serverAddress(url: string): Promise<string | null> {
    const db = await openDatabase({ url, schema: 'spec', migrations: [] });
    try {
      return (await db.query('SELECT inet_server_addr()::text AS address'))[0].address;
    } finally {
      await db.destroy();
    }
  }

  it('serves local clients over its Unix socket and everyone over TCP', async () => {
    const postgres = await start(tmpdir());
    expect(await serverAddress(postgres.localUrl)).toBeNull();
    expect(await serverAddress(postgres.url)).toBe('127.0.0.1/32');
  }, 60_000);

  it('falls back to TCP for local clients when the socket path would be too long', async () => {
    const deep = mkdtempSync(join(tmpdir(), `swr-${'d'.repeat(90)}-`));
    chmodSync(deep, 0o755);
    const postgres = await start(deep);
    parents.push(deep);
    expect(postgres.localUrl).toBe(postgres.url);
    expect(await serverAddress(postgres.localUrl)).toBe('127.0.0.1/32');
  }, 60_000);
});
