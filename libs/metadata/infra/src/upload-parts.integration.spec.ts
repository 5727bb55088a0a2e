import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { parseRepositoryName } from '@swr/oci';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { METADATA_MIGRATIONS, METADATA_SCHEMA } from './migrations';
import { UploadPartRows1765200000000 } from './migrations/1765200000000-upload-part-rows';
import { PostgresUploadSessions } from './postgres-upload-sessions';

const UNLIMITED = { repositories: -1, bytes: -1 };
const digest = `sha256:${'e'.repeat(64)}`;

describe("an upload's parts against PostgreSQL", () => {
  let postgres: EmbeddedPostgresHandle;
  let dir: string;
  const opened: DataSource[] = [];
  const open = async (database: string, migrations: typeof METADATA_MIGRATIONS) => {
    const db = await openDatabase({ url: postgres.url.replace(/\/postgres$/, `/${database}`), schema: METADATA_SCHEMA, migrations, poolSize: 3 });
    opened.push(db);
    return db;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-parts-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
  }, 60_000);
  afterAll(async () => {
    for (const db of opened) await db.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every part of a long upload in order, answering each chunk without them and the closing PUT with them', async () => {
    const sessions = new PostgresUploadSessions(await open('parts_long', METADATA_MIGRATIONS), UNLIMITED);
    const upload = await sessions.create(parseRepositoryName('parts/long'), randomUUID(), 'sha256', 'acct-parts');
    for (let i = 0; i < 300; i++) {
      const result = await sessions.append('parts/long', upload.id, i * 10, { id: `p${i}`, size: 10 });
      expect(result && 'appended' in result && result.appended).not.toHaveProperty('parts');
    }
    await sessions.append('parts/long', upload.id, 3_000, { id: 'empty', size: 0 });

    expect(await sessions.find('parts/long', upload.id)).toMatchObject({ offset: 3_000 });
    expect(await sessions.find('parts/long', upload.id)).not.toHaveProperty('parts');
    const expected = Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, size: 10 }));
    expect(await sessions.parts('parts/long', upload.id)).toEqual(expected);
    expect(await sessions.hold('parts/long', upload.id, digest)).toMatchObject({ offset: 3_000, parts: expected });
    expect(await sessions.parts('parts/other', upload.id)).toBeUndefined();

    expect(await sessions.complete('parts/long', upload.id, digest, 3_000)).toBe(true);
    expect(await sessions.parts('parts/long', upload.id)).toBeUndefined();
  });

  it('moves the parts of uploads in progress out of their session rows when it migrates', async () => {
    const before = METADATA_MIGRATIONS.filter((migration) => migration !== UploadPartRows1765200000000);
    const old = await open('parts_migrated', before);
    // Sessions recorded their parts as one JSON array then.
    const { id } = await new PostgresUploadSessions(old, UNLIMITED).create(parseRepositoryName('parts/old'), randomUUID(), 'sha256', 'acct-old');
    const parts = [
      { id: 'a', size: 5 },
      { id: 'gap', size: 0 },
      { id: 'b', size: 7 },
    ];
    await old.query(`UPDATE metadata.upload SET "offset" = 12, parts = $2::jsonb WHERE id = $1`, [id, JSON.stringify(parts)]);

    const sessions = new PostgresUploadSessions(await open('parts_migrated', METADATA_MIGRATIONS), UNLIMITED);
    expect(await sessions.parts('parts/old', id)).toEqual([
      { id: 'a', size: 5 },
      { id: 'b', size: 7 },
    ]);
    const result = await sessions.append('parts/old', id, 12, { id: 'c', size: 1 });
    expect(result && 'appended' in result && result.appended.offset).toBe(13);
    expect((await sessions.parts('parts/old', id))?.map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });
});
