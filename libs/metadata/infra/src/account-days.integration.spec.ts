import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { AccountLimits, RepositoryService } from '@swr/metadata-core';
import { parseRepositoryName } from '@swr/oci';
import { randomUUID } from 'node:crypto';
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
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe("accounts' days against PostgreSQL: stored bytes and bytes served to pulls", () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  let repositories: RepositoryService;
  let sessions: PostgresUploadSessions;
  const limits: AccountLimits = { repositories: -1, bytes: -1 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-days-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: 5 });
    repositories = new RepositoryService(new PostgresRepositoryCatalog(new CachedAccess(db, new RepositoryReadCache()), limits), limits);
    sessions = new PostgresUploadSessions(db, limits);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const link = async (repository: string, account: string, n: number, size: number) => {
    const upload = await sessions.create(parseRepositoryName(repository), randomUUID(), 'sha256', account);
    await sessions.complete(repository, upload.id, digest(n), size);
  };

  it("follows the account's stored bytes through links and a repository delete, and carries the last value back to no earlier day", async () => {
    await link('days/app', 'acct-days', 1, 300);
    await link('days/app', 'acct-days', 2, 200);
    await link('days/other', 'acct-days', 3, 1_000);
    let days = await repositories.accountDays('acct-days', 30);
    expect(days).toHaveLength(30);
    expect(days.map((d) => d.date)).toEqual(Array.from({ length: 30 }, (_, i) => day(29 - i)));
    expect(days[29]).toEqual({ date: day(0), storedBytes: 1_500, egressBytes: 0 });
    expect(days[28].storedBytes).toBe(0);

    await repositories.delete('days/other');
    days = await repositories.accountDays('acct-days', 30);
    expect(days[29].storedBytes).toBe(500);
  });

  it('records the stored bytes of an account whose first charge creates its usage row', async () => {
    const upload = await sessions.create(parseRepositoryName('rowless/app'), randomUUID(), 'sha256', 'acct-rowless');
    // An organization whose owner was set after its repositories were counted has no usage row.
    await db.query("DELETE FROM metadata.account_usage WHERE account_id = 'acct-rowless'");
    await sessions.complete('rowless/app', upload.id, digest(5), 400);
    const days = await repositories.accountDays('acct-rowless', 1);
    expect(days[0]).toEqual({ date: day(0), storedBytes: 400, egressBytes: 0 });
  });

  it('carries a day without changes forward from the last day that had one', async () => {
    await link('carry/app', 'acct-carry', 10, 700);
    await db.query(`UPDATE metadata.account_day SET day = day - 3 WHERE account_id = 'acct-carry'`);
    const days = await repositories.accountDays('acct-carry', 5);
    expect(days.map((d) => d.storedBytes)).toEqual([0, 700, 700, 700, 700]);
  });

  it('adds bytes served to the owning account once per batch, however often a gateway sends it', async () => {
    await link('served/app', 'acct-served', 20, 100);
    const batch = randomUUID();
    const counts = [
      { repository: 'served/app', count: 2, bytes: 5_000 },
      { repository: 'served/app', count: 0, bytes: 250 },
      { repository: 'nowhere/gone', count: 1, bytes: 99 },
    ];
    await repositories.recordDownloads(batch, counts);
    await repositories.recordDownloads(batch, counts);
    await repositories.recordDownloads(randomUUID(), [{ repository: 'served/app', count: 1, bytes: 50 }]);
    const today = (await repositories.accountDays('acct-served', 1))[0];
    expect(today).toEqual({ date: day(0), storedBytes: 100, egressBytes: 5_300 });
    expect((await repositories.get('served/app')).downloads).toBe(3);
  });
});
