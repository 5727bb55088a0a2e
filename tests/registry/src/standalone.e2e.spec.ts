import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePrometheusText, total } from './support/prometheus-text';
import { Client } from 'pg';
import { raw } from './support/http';
import { ManageClient } from './support/manage-client';
import { errorCode, OciClient, sha256, uniqueName } from './support/oci-client';
import { describeAuditTrail } from './support/audit-suite';
import { describeGarbageCollection } from './support/gc-suite';
import { describeRetention } from './support/retention-suite';
import { FilesystemBlobStore } from '@swr/storage';
import { describeTriggers } from './support/trigger-suite';
import { describeOfficialSdk } from './support/sdk-suite';
import { describeSwrFidelity } from './support/swr-fidelity';
import { describeOciConformance } from './support/oci-conformance';
import { describeIamAndLogins } from './support/iam-suite';
import { describeManagementFuzz } from './support/manage-fuzz';
import { describeManagementApi } from './support/manage-suite';
import { describeRealClients } from './support/real-clients';
import { RegistryUnderTest, startStandaloneRegistry, tempDir, waitFor } from '@swr/testing';
import { WebhookReceiver } from './support/webhook-receiver';

describe('standalone registry', () => {
  let registry: RegistryUnderTest;
  beforeAll(async () => {
    registry = await startStandaloneRegistry();
  }, 60_000);
  afterAll(() => registry?.stop(), 60_000);

  describeOciConformance(() => registry);

  describe('real clients', () => describeRealClients(() => registry));

  describe('IAM and logins', () => describeIamAndLogins(() => registry));

  describe('management API', () => describeManagementApi(() => registry));

  describe('management API under malformed input', () => describeManagementFuzz(() => registry));

  describe('audit trail', () => describeAuditTrail(() => registry));

  describe('triggers and webhooks', () => describeTriggers(() => registry));

  describe('the official Huawei Cloud SDK', () => describeOfficialSdk(() => registry));

  describe('fidelity to SWR', () => describeSwrFidelity(() => registry));

  describe('retention policies', () => describeRetention(() => registry));

  it('answers /healthz, /readyz (its database and blob store checked) and /metrics on its own port', async () => {
    expect((await fetch(`${registry.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${registry.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', blobStore: 'ok' } });
    const samples = parsePrometheusText(await (await fetch(`${registry.url}/metrics`)).text());
    expect(total(samples, 'swr_http_request_duration_seconds_count', { route: '/v2/{name}/manifests/{reference}' })).toBeGreaterThan(0);
    expect(samples.every((s) => s.labels.app === 'standalone')).toBe(true);
  });
});

describe('standalone registry collecting garbage', () => {
  const dataDir = tempDir('swr-standalone-gc-');
  let registry: RegistryUnderTest;
  beforeAll(async () => {
    registry = await startStandaloneRegistry(dataDir, { env: { SWR_GC_GRACE_SECONDS: '0', SWR_GC_UPLOAD_TTL_SECONDS: '1' } });
  }, 60_000);
  afterAll(() => registry?.stop(), 60_000);

  const files = new FilesystemBlobStore(join(dataDir, 'blobs'));
  describeGarbageCollection(
    () => registry,
    () => ({ blob: async (digest) => (await files.stat(digest)) !== undefined, upload: async (id) => existsSync(join(dataDir, 'blobs', 'uploads', id)) }),
  );
});

describe('standalone registry whose clock runs 40 days ahead of its database', () => {
  let registry: RegistryUnderTest;
  beforeAll(async () => {
    registry = await startStandaloneRegistry(undefined, { env: { NODE_OPTIONS: `--require ${join(__dirname, 'support/shifted-clock.cjs')}`, SHIFTED_CLOCK_DAYS: '40' } });
  }, 60_000);
  afterAll(() => registry?.stop(), 60_000);

  it('applies a date_rule by push time: tags pushed "40 days ago" go unless excepted, a 60-day rule keeps them', async () => {
    const admin = await ManageClient.fromLogin(registry.url, registry.admin);
    const oci = new OciClient(registry.url, registry.admin);
    const org = `dated${Date.now().toString(36)}`;
    expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
    for (const repo of ['month', 'quarter']) for (const tag of ['v1', 'v2', 'v3']) await oci.pushImage(`${org}/${repo}`, tag);
    const policy = (days: string) => ({ algorithm: 'or', rules: [{ template: 'date_rule', params: { days }, tag_selectors: [{ kind: 'label', pattern: 'v1' }] }] });
    expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos/quarter/retentions`, policy('60'))).status).toBe(201);
    expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos/month/retentions`, policy('30'))).status).toBe(201);
    const tags = async (repo: string) => ((await oci.request('GET', `/v2/${org}/${repo}/tags/list`)).json().tags as string[]).sort();
    await waitFor('the 30-day policy applied', async () => (await tags('month')).length === 1);
    expect(await tags('month')).toEqual(['v1']);
    const logged = (await admin.call('GET', `/v2/manage/namespaces/${org}/repos/quarter/retentions/histories`)).json();
    expect(logged.total).toBe(0);
    expect(await tags('quarter')).toEqual(['v1', 'v2', 'v3']);
  });
});

describe('standalone registry across restarts', () => {
  it('finishes a webhook delivery that was waiting for its retry when the registry stopped', async () => {
    const dataDir = tempDir('swr-restart-hook-');
    const receiver = await WebhookReceiver.start();
    // The retry waits long enough for the registry to stop in between.
    const env = { SWR_WEBHOOK_BACKOFF_MS: '5000' };
    const first = await startStandaloneRegistry(dataDir, { keepData: true, env });
    try {
      receiver.script('/later', { statuses: [503, 200] });
      const admin = await ManageClient.fromLogin(first.url, first.admin);
      const org = `later${Date.now().toString(36)}`;
      expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
      expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos`, { repository: 'app', is_public: false })).status).toBe(200);
      const trigger = { name: 'later', action: 'webhook', trigger_type: 'all', condition: '.*', enable: 'true', webhook: { url: `${receiver.url}/later` } };
      expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos/app/triggers`, trigger)).status).toBe(201);
      await new OciClient(first.url, first.admin).pushImage(`${org}/app`, 'v1');
      await waitFor('the first attempt', async () => receiver.on('/later').length === 1);
      await first.stop();

      const second = await startStandaloneRegistry(dataDir, { env });
      try {
        await waitFor('the delivery after the restart', async () => receiver.on('/later').length === 2);
        const [failed, delivered] = receiver.on('/later');
        expect(delivered.headers['x-swr-delivery']).toBe(failed.headers['x-swr-delivery']);
        const admin2 = await ManageClient.fromLogin(second.url, second.admin);
        const history = (await admin2.call('GET', `/v2/manage/namespaces/${org}/repos/app/triggers/later`)).json().trigger_history;
        expect(history.map((h: { result: string; status: number }) => [h.result, h.status])).toEqual([
          ['success', 200],
          ['failed', 503],
        ]);
      } finally {
        await second.stop();
      }
    } finally {
      await receiver.stop();
    }
  }, 120_000);

  it('exits cleanly on Ctrl-C and serves what it stored after a restart', async () => {
    const dataDir = tempDir('swr-restart-');
    const first = await startStandaloneRegistry(dataDir, { keepData: true });
    const name = uniqueName('restart');
    const image = await new OciClient(first.url, first.admin).pushImage(name, 'v1');
    const upload = await new OciClient(first.url, first.admin).startUpload(name);
    await new OciClient(first.url, first.admin).request('PATCH', upload, { body: Buffer.alloc(1000, 7) });
    const gateway = first.gateways[0].process;
    await first.stop();
    expect(await gateway.exited).toBe(0);

    const second = await startStandaloneRegistry(dataDir);
    try {
      const oci = new OciClient(second.url, second.admin);
      const got = await oci.request('GET', `/v2/${name}/manifests/v1`);
      expect(got.body.equals(image.body)).toBe(true);
      expect((await oci.request('GET', upload)).header('range')).toBe('0-999');
    } finally {
      await second.stop();
    }
  }, 120_000);
});

describe('standalone registry with a storage quota', () => {
  const QUOTA = 64 * 1024;
  const dataDir = tempDir('swr-quota-');
  let registry: RegistryUnderTest;
  beforeAll(async () => {
    registry = await startStandaloneRegistry(dataDir, { env: { SWR_QUOTA_STORAGE_BYTES: String(QUOTA) } });
  }, 60_000);
  afterAll(() => registry?.stop(), 60_000);

  /** The running instance's own database, to look at what was kept (and to age a secret, which no API can). */
  async function database(): Promise<Client> {
    const port = Number(readFileSync(join(dataDir, 'postgres/cluster/postmaster.pid'), 'utf8').split('\n')[3]);
    const client = new Client({ host: '127.0.0.1', port, user: 'postgres', password: readFileSync(join(dataDir, 'postgres/password'), 'utf8').trim(), database: 'postgres' });
    await client.connect();
    return client;
  }

  it('refuses with DENIED the push that would pass the quota, even among concurrent pushes, and counts none of its bytes', async () => {
    const oci = new OciClient(registry.url, registry.admin);
    const name = uniqueName('quota');
    await oci.pushBlob(name, randomBytes(40 * 1024));
    const over = await oci.request('POST', `/v2/${name}/blobs/uploads/?digest=${sha256(Buffer.alloc(30 * 1024, 1))}`, { body: Buffer.alloc(30 * 1024, 1) });
    expect([over.status, errorCode(over)]).toEqual([403, 'DENIED']);

    const racing = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const body = Buffer.alloc(5 * 1024, i + 2);
        return oci.request('POST', `/v2/${name}/blobs/uploads/?digest=${sha256(body)}`, { body });
      }),
    );
    expect(racing.filter((r) => r.status === 201).length).toBe(4);
    expect(racing.filter((r) => r.status === 403).map(errorCode)).toEqual(['DENIED', 'DENIED']);
    const db = await database();
    try {
      const usage = await db.query('SELECT bytes FROM metadata.account_usage');
      expect(Number(usage.rows[0].bytes)).toBe(40 * 1024 + 4 * 5 * 1024);
      expect((await db.query('SELECT count(*)::int AS n FROM metadata.upload')).rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('refuses an expired temporary login command', async () => {
    const manage = await ManageClient.fromLogin(registry.url, registry.admin);
    const issued = await manage.call('POST', '/v2/manage/utils/secret?duration_seconds=900');
    const [, user, password] = /^docker login -u (\S+) -p (\S+)/.exec(issued.header('x-swr-dockerlogin') as string) ?? [];
    const token = () => raw(registry.url, 'GET', '/auth/token?service=swr-registry', { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } });
    expect((await token()).status).toBe(200);
    const db = await database();
    try {
      await db.query("UPDATE iam.temporary_secret SET expires_at = now() - interval '1 second'");
    } finally {
      await db.end();
    }
    expect((await token()).status).toBe(401);
  });
});
