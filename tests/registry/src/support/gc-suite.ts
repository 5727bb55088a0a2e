import type { RegistryUnderTest } from '@swr/testing';
import { waitFor } from '@swr/testing';
import { ManageClient } from './manage-client';
import { OciClient, sha256 } from './oci-client';

/** What the registry's blob store (files, or S3 objects) still holds: a blob, or anything of an upload. */
export interface StoreProbe {
  blob(digest: string): Promise<boolean>;
  upload(id: string): Promise<boolean>;
}

/** The blobs of a pushed image: its config and layer, read back from its manifest. */
function blobsOf(manifest: Buffer): string[] {
  const parsed = JSON.parse(manifest.toString()) as { config: { digest: string }; layers: Array<{ digest: string }> };
  return [parsed.config.digest, ...parsed.layers.map((l) => l.digest)];
}

/**
 * Garbage collection through the operator's API, for a registry started with a grace period of
 * 0 (`SWR_GC_GRACE_SECONDS=0`) and uploads abandoned after a second (`SWR_GC_UPLOAD_TTL_SECONDS=1`):
 * what nothing references goes from the store, what is referenced stays.
 */
export function describeGarbageCollection(registry: () => RegistryUnderTest, store: () => StoreProbe): void {
  const stored = () => (digest: string) => store().blob(digest);
  let admin: ManageClient;
  let oci: OciClient;
  const org = `gc${Date.now().toString(36)}`;

  beforeAll(async () => {
    admin = await ManageClient.fromLogin(registry().url, registry().admin);
    oci = new OciClient(registry().url, registry().admin);
    expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
  });

  async function finished(id: string) {
    let run: Record<string, unknown> = {};
    await waitFor(`garbage collection ${id}`, async () => {
      run = (await admin.call('GET', `/v2/manage/gc/runs/${id}`)).json();
      return run.status !== 'running';
    });
    return run;
  }

  it("frees a deleted repository's blobs and an untagged image's, keeps what a tag reaches, and answers a dry run without removing anything", async () => {
    const gone = await oci.pushImage(`${org}/gone`, 'v1');
    const untagged = await oci.pushImage(`${org}/kept`, 'old');
    const kept = await oci.pushImage(`${org}/kept`, 'v1');
    expect((await admin.call('DELETE', `/v2/manage/namespaces/${org}/repos/gone`)).status).toBe(204);
    expect((await oci.request('DELETE', `/v2/${org}/kept/manifests/old`)).status).toBe(202);
    const usageBefore = (await admin.call('GET', `/v2/manage/projects/${admin.projectId}/quotas`)).json();

    const dry = await admin.call('POST', '/v2/manage/gc/runs', { dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.json()).toMatchObject({ dry_run: true, status: 'succeeded', trigger: 'admin' });
    expect(dry.json().blobs_deleted).toBeGreaterThanOrEqual(2);
    for (const digest of blobsOf(gone.body)) expect(await stored()(digest)).toBe(true);

    // The untagged manifest goes in one run; its blobs, queued when it went, in the next.
    for (let i = 0; i < 2; i++) {
      const started = await admin.call('POST', '/v2/manage/gc/runs', {});
      expect(started.status).toBe(202);
      expect(started.json()).toMatchObject({ dry_run: false, trigger: 'admin' });
      expect(await finished(started.json().id)).toMatchObject({ status: 'succeeded' });
    }
    for (const digest of [...blobsOf(gone.body), ...blobsOf(untagged.body)]) expect(await stored()(digest)).toBe(false);
    for (const digest of blobsOf(kept.body)) expect(await stored()(digest)).toBe(true);
    const pulled = await oci.request('GET', `/v2/${org}/kept/manifests/v1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(sha256(pulled.body)).toBe(kept.digest);
    for (const digest of blobsOf(kept.body)) expect((await oci.request('GET', `/v2/${org}/kept/blobs/${digest}`)).status).toBe(200);

    const storage = (q: { quotas: Array<{ quota_key: string; used: number }> }) => q.quotas.find((x) => x.quota_key === 'storage')?.used ?? 0;
    const usageAfter = (await admin.call('GET', `/v2/manage/projects/${admin.projectId}/quotas`)).json();
    expect(storage(usageAfter)).toBeLessThan(storage(usageBefore));

    const history = await admin.call('GET', '/v2/manage/gc/runs?limit=2');
    expect(history.status).toBe(200);
    expect(history.header('content-range')).toMatch(/^0-2\/\d+$/);
    const [last, first] = history.json();
    // At least ours: in a registry shared with other suites, what they left untagged goes too.
    expect(last.manifests_deleted + first.manifests_deleted).toBeGreaterThanOrEqual(1);
    expect(last.blobs_deleted + first.blobs_deleted).toBeGreaterThanOrEqual(4);
    expect(last.bytes_freed + first.bytes_freed).toBeGreaterThan(0);
    expect(typeof last.duration_ms).toBe('number');
  });

  it('ends an abandoned upload with its stored part', async () => {
    const location = (await oci.request('POST', `/v2/${org}/abandoned/blobs/uploads/`)).header('location') as string;
    expect((await oci.request('PATCH', location, { body: Buffer.alloc(1000, 7), headers: { 'content-range': '0-999' } })).status).toBe(202);
    const id = location.split('/').pop() as string;
    expect(await store().upload(id)).toBe(true);
    await new Promise((r) => setTimeout(r, 1_500));
    const run = (await admin.call('POST', '/v2/manage/gc/runs', {})).json();
    expect((await finished(run.id)).uploads_removed).toBeGreaterThanOrEqual(1);
    expect((await oci.request('GET', location)).status).toBe(404);
    expect(await store().upload(id)).toBe(false);
  });

  it("is the operator's alone: another account's admin is refused", async () => {
    const tenant = `gct${Date.now().toString(36)}`;
    const created = await admin.call('POST', '/v3/domains', { domain: { name: tenant }, admin: { name: 'boss', password: 'boss-password-1' } });
    expect(created.status).toBe(201);
    const boss = await ManageClient.signIn(registry().url, tenant, 'boss', 'boss-password-1');
    expect((await boss.call('POST', '/v2/manage/gc/runs', {})).status).toBe(403);
    expect((await boss.call('GET', '/v2/manage/gc/runs')).status).toBe(403);
    expect((await admin.call('GET', '/v2/manage/gc/runs/not-a-run')).status).toBe(404);
    expect((await admin.call('POST', '/v2/manage/gc/runs', { dry_run: 'yes' })).status).toBe(400);
  });
}
