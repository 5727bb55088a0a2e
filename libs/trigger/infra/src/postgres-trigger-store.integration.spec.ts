import { SecretBox } from '@swr/auth';
import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { TRIGGER_MIGRATIONS, TRIGGER_SCHEMA } from './migrations';
import { PostgresTriggerStore } from './postgres-trigger-store';

describe('triggers in PostgreSQL', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-trigger-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: TRIGGER_SCHEMA, migrations: TRIGGER_MIGRATIONS });
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a webhook secret sealed at rest, and gives it back to the worker that holds the key', async () => {
    const store = new PostgresTriggerStore(db, new SecretBox(randomBytes(32)));
    const created = await store.create({
      repository: 'acme/web',
      name: 'hook',
      action: 'webhook',
      triggerType: 'all',
      condition: '.*',
      enabled: true,
      triggerMode: 'cce',
      appType: '',
      application: '',
      clusterId: '',
      clusterName: '',
      clusterNs: '',
      container: '',
      webhook: { url: 'https://ci.example.com/hook', secret: 'plain-secret-value', events: ['push'], format: 'default' },
      creatorName: 'dev',
    });
    expect(created).toBe(true);
    const [row] = await db.query("SELECT webhook::text AS webhook FROM triggers.trigger WHERE name = 'hook'");
    expect(row.webhook).not.toContain('plain-secret-value');
    expect((await store.find('acme/web', 'hook'))?.webhook?.secret).toBe('plain-secret-value');
  });
});
