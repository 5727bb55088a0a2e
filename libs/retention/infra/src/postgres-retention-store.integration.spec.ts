import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { RETENTION_MIGRATIONS, RETENTION_SCHEMA } from './migrations';
import { PostgresRetentionStore } from './postgres-retention-store';

const rule = { template: 'tag_rule' as const, params: { num: '3' }, tag_selectors: [] };

describe('retention policies and history in PostgreSQL', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  let store: PostgresRetentionStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-retention-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: RETENTION_SCHEMA, migrations: RETENTION_MIGRATIONS, poolSize: 10 });
    store = new PostgresRetentionStore(db);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const outbox = async () =>
    ((await db.query('SELECT payload FROM retention.outbox ORDER BY seq')) as Array<{ payload: string }>).map((r) => JSON.parse(r.payload) as { type: string; resource: { name: string } }).map((e) => [e.type, e.resource.name]);

  it('keeps one policy per repository even when two are created at once, and records each change with its event', async () => {
    const ids = await Promise.all([store.create('acme/app', 'acct', [rule]), store.create('acme/app', 'acct', [rule])]);
    const id = ids.find((x) => x !== undefined) as number;
    expect(ids.filter((x) => x === undefined)).toHaveLength(1);
    expect(await store.update('acme/app', id, [{ ...rule, params: { num: '5' } }])).toBe(true);
    expect((await store.find('acme/app', id))?.rules).toEqual([{ ...rule, params: { num: '5' } }]);
    expect(await store.update('acme/other', id, [rule])).toBe(false);
    expect(await store.remove('acme/app', id)).toBe(true);
    expect(await store.remove('acme/app', id)).toBe(false);
    expect(await outbox()).toEqual([
      ['retention.created', 'acme/app'],
      ['retention.updated', `acme/app:${id}`],
      ['retention.deleted', `acme/app:${id}`],
    ]);
  });

  it('pages the history newest first with its total, and forgets a deleted repository', async () => {
    const id = (await store.create('acme/logged', 'acct', [rule])) as number;
    const policy = (await store.find('acme/logged', id))!;
    await store.recordRemovals(policy, ['t1', 't2', 't3'].map((tag) => ({ tag, digest: `sha256:${'0'.repeat(64)}`, ruleType: '{}' })));
    const page = await store.histories('acme/logged', 2, 0);
    expect(page.total).toBe(3);
    expect(page.logs.map((l) => l.tag)).toEqual(['t3', 't2']);
    expect((await store.histories('acme/logged', 2, 2)).logs.map((l) => l.tag)).toEqual(['t1']);
    expect(await store.histories('acme/logged', 2, 5)).toEqual({ logs: [], total: 3 });

    await store.forgetRepository('acme/logged');
    expect(await store.list('acme/logged')).toEqual([]);
    expect((await store.histories('acme/logged', 10, 0)).total).toBe(0);
  });
});
