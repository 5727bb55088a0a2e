import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { AccountLimits, RepositoryService } from '@swr/metadata-core';
import { parseRepositoryName } from '@swr/oci';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { CachedAccess } from './cached-access';
import { METADATA_MIGRATIONS, METADATA_SCHEMA } from './migrations';
import { PostgresRepositoryCatalog } from './postgres-repository-catalog';
import { PostgresUploadSessions } from './postgres-upload-sessions';
import { RepositoryReadCache } from './read-cache';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('account quotas against PostgreSQL', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  const limits: AccountLimits = { repositories: 3, bytes: 1_000 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-quota-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: 20 });
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets concurrent uploads fill the storage quota but never pass it, and gives bytes back on delete', async () => {
    const sessions = new PostgresUploadSessions(db, limits);
    const repositories = new RepositoryService(new PostgresRepositoryCatalog(new CachedAccess(db, new RepositoryReadCache()), limits), limits);
    const uploads = await Promise.all(Array.from({ length: 12 }, (_, i) => sessions.create(parseRepositoryName('bytes/app'), crypto.randomUUID(), 'sha256', 'acct-bytes').then((u) => ({ u, i }))));
    const outcomes = await Promise.all(
      uploads.map(({ u, i }) =>
        sessions.complete('bytes/app', u.id, digest(i + 1), 300).then(
          () => 'linked',
          (e: { code?: string }) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'linked')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'META_QUOTA_EXCEEDED')).toHaveLength(9);
    expect(await repositories.usage('acct-bytes')).toMatchObject({ bytes: 900, repositories: 1, byteLimit: 1_000 });
    expect((await repositories.get('bytes/app')).size).toBe(900);

    await repositories.delete('bytes/app');
    expect(await repositories.usage('acct-bytes')).toMatchObject({ bytes: 0, repositories: 0 });
  });

  it('charges an account that has no usage row yet, and refuses the blob that would pass its quota', async () => {
    const sessions = new PostgresUploadSessions(db, limits);
    const repositories = new RepositoryService(new PostgresRepositoryCatalog(new CachedAccess(db, new RepositoryReadCache()), limits), limits);
    const first = await sessions.create(parseRepositoryName('rowless/app'), crypto.randomUUID(), 'sha256', 'acct-rowless');
    // An organization whose owner was set after its repositories were counted has no usage row.
    await db.query("DELETE FROM metadata.account_usage WHERE account_id = 'acct-rowless'");
    await sessions.complete('rowless/app', first.id, digest(101), 700);
    expect(await repositories.usage('acct-rowless')).toMatchObject({ bytes: 700 });

    const second = await sessions.create(parseRepositoryName('rowless/app'), crypto.randomUUID(), 'sha256');
    await expect(sessions.complete('rowless/app', second.id, digest(102), 400)).rejects.toMatchObject({ code: 'META_QUOTA_EXCEEDED' });
    expect(await repositories.usage('acct-rowless')).toMatchObject({ bytes: 700 });
    expect((await repositories.get('rowless/app')).size).toBe(700);
  });

  it('lets concurrent creations fill the repository quota but never pass it', async () => {
    const repositories = new RepositoryService(new PostgresRepositoryCatalog(new CachedAccess(db, new RepositoryReadCache()), limits), limits);
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        repositories.create({ accountId: 'acct-repos', repository: `repos/r${i}`, isPublic: false, creatorId: 'u', creatorName: 'u' }).then(
          () => 'created',
          (e: { code?: string }) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'META_QUOTA_EXCEEDED')).toHaveLength(5);
    const listed = await repositories.list({ accountId: 'acct-repos', organizations: ['repos'], repositories: [], limit: 10, offset: 0, withTags: true });
    expect(listed.total).toBe(3);
  });

  it('lets concurrent first pushes into new repositories fill the repository quota but never pass it, each announced with its id', async () => {
    const sessions = new PostgresUploadSessions(db, limits);
    const repositories = new RepositoryService(new PostgresRepositoryCatalog(new CachedAccess(db, new RepositoryReadCache()), limits), limits);
    await sessions.create(parseRepositoryName('pushed/r0'), crypto.randomUUID(), 'sha256', 'acct-pushed');
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        sessions.create(parseRepositoryName(`pushed/r${i % 4}`), crypto.randomUUID(), 'sha256', 'acct-pushed').then(
          () => 'opened',
          (e: { code?: string }) => e.code,
        ),
      ),
    );
    // r0 existed; two of r1-r3 fit in the quota of 3, and each of those takes both of its uploads.
    expect(outcomes.filter((o) => o === 'opened')).toHaveLength(6);
    expect(outcomes.filter((o) => o === 'META_QUOTA_EXCEEDED')).toHaveLength(2);
    expect(await repositories.usage('acct-pushed')).toMatchObject({ repositories: 3 });
    const created = ((await db.query("SELECT payload FROM metadata.outbox WHERE subject = 'swr.events.repository.created'")) as Array<{ payload: string }>)
      .map((row) => JSON.parse(row.payload) as { resource: { name: string; id: string }; data: { byPush: boolean } })
      .filter((event) => event.resource.name.startsWith('pushed/'));
    const ids = (await db.query("SELECT id::text, name FROM metadata.repository WHERE name LIKE 'pushed/%'")) as Array<{ id: string; name: string }>;
    expect(created.map((e) => [e.resource.name, e.resource.id, e.data.byPush]).sort()).toEqual(ids.map((r) => [r.name, r.id, true]).sort());
  });
});
