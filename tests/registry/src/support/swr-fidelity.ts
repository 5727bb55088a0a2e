import { waitFor } from '@swr/testing';
import { raw } from './http';
import { ManageClient, swrCode } from './manage-client';
import { OciClient } from './oci-client';
import type { RegistryUnderTest } from '@swr/testing';

const PASSWORD = 'fidelity-password-1';

/**
 * Where a client written for SWR, and not by us, would notice a difference from SWR: ids, reports,
 * feature gates, and the error envelope of routes and credentials it gets wrong.
 */
export function describeSwrFidelity(registry: () => RegistryUnderTest): void {
  const stamp = `${Date.now().toString(36)}${process.pid}`;
  const account = `fid${stamp}`;
  let boss: ManageClient;
  let oci: OciClient;

  beforeAll(async () => {
    const operator = await ManageClient.fromLogin(registry().url, registry().admin);
    expect((await operator.call('POST', '/v3/domains', { domain: { name: account }, admin: { name: 'boss', password: PASSWORD } })).status).toBe(201);
    boss = await ManageClient.signIn(registry().url, account, 'boss', PASSWORD);
    oci = new OciClient(registry().url, { username: `${account}/boss`, password: PASSWORD });
  }, 60_000);

  it("shows one id per organization: a repository's ns_id is its organization's id in lists and permission views", async () => {
    // Organizations without repositories come first, so that a second numbering could not agree by chance.
    for (const suffix of ['a', 'b', 'c']) expect((await boss.call('POST', '/v2/manage/namespaces', { namespace: `${account}${suffix}` })).status).toBe(201);
    const org = `${account}c`;
    expect((await boss.call('POST', `/v2/manage/namespaces/${org}/repos`, { repository: 'app', is_public: false })).status).toBe(200);
    const listed = (await boss.call('GET', `/v2/manage/namespaces?filter=namespace::${org}`)).json().namespaces[0];
    const shown = (await boss.call('GET', `/v2/manage/namespaces/${org}`)).json();
    const permissions = (await boss.call('GET', `/v2/manage/namespaces/${org}/access`)).json();
    const repository = (await boss.call('GET', `/v2/manage/namespaces/${org}/repos/app`)).json();
    expect([shown.id, permissions.id, repository.ns_id]).toEqual([listed.id, listed.id, listed.id]);
  });

  it('reports stored bytes and bytes served to pulls per day for the last 30 days', async () => {
    const org = `${account}r`;
    expect((await boss.call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
    const image = await oci.pushImage(`${org}/app`, 'v1');
    const manifest = JSON.parse(image.body.toString());
    const blobs = [manifest.config, ...manifest.layers] as Array<{ digest: string; size: number }>;
    expect((await oci.request('GET', `/v2/${org}/app/manifests/v1`)).status).toBe(200);
    for (const blob of blobs) expect((await oci.request('GET', `/v2/${org}/app/blobs/${blob.digest}`)).status).toBe(200);
    expect((await oci.request('GET', `/v2/${org}/app/blobs/${blobs[1].digest}`, { headers: { range: 'bytes=0-99' } })).status).toBe(206);
    const served = image.size + blobs.reduce((sum, blob) => sum + blob.size, 0) + 100;
    const stored = blobs.reduce((sum, blob) => sum + blob.size, 0);

    const today = new Date().toISOString().slice(0, 10);
    const report = async (type: string) => (await boss.call('GET', `/v2/manage/reports/${type}/daily`)).json() as Array<{ date: string; value: number }>;
    // Served bytes reach the database in the gateways' next batch, within a few seconds.
    let seen: unknown;
    await waitFor('the served bytes in the report', async () => (seen = (await report('downflow'))[29].value) === served).catch((error) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(seen)} instead of ${served}`);
    });
    const store = await report('store');
    expect(store).toHaveLength(30);
    expect(store.map((d) => d.date)).toEqual(Array.from({ length: 30 }, (_, i) => new Date(Date.now() - (29 - i) * 86_400_000).toISOString().slice(0, 10)));
    expect(store[29]).toEqual({ date: today, value: stored });
    expect(store[0].value).toBe(0);
    const usage = (await boss.call('GET', `/v2/manage/projects/${boss.projectId}/quotas`)).json().quotas.find((q: { quota_key: string }) => q.quota_key === 'storage');
    expect(usage.used).toBe(stored);
    expect((await boss.call('GET', '/v2/manage/overview')).json()).toMatchObject({ store_space: stored, downflow_size: served });

    for (const bad of ['/v2/manage/reports/cpu/daily', '/v2/manage/reports/store/hourly']) {
      const res = await boss.call('GET', bad);
      expect([bad, res.status, swrCode(res)]).toEqual([bad, 400, 'SVCSTG.SWR.4000014']);
    }
  }, 60_000);

  it('tells its feature gates: true for what it does, false for what it does not', async () => {
    const gates = (await boss.call('GET', `/v2/manage/projects/${boss.projectId}/feature-gates`)).json();
    expect(Object.values(gates).every((value) => typeof value === 'boolean')).toBe(true);
    expect(gates).toMatchObject({ enable_list_v3: true, enable_image_quota: true, enable_image_scan: false, enable_hss_service: false, enable_cci_service: false });
    const foreign = await boss.call('GET', '/v2/manage/projects/0123456789abcdef0123456789abcdef/feature-gates');
    expect(foreign.status).toBe(403);
  });

  it("answers unknown management and /v3 routes in SWR's envelope, and registry routes in the OCI envelope", async () => {
    for (const path of ['/v2/manage', '/v2/manage/nothing', '/v2/manage/namespaces/x/nothing/here', '/v3/manage/nothing', '/v3/nothing/at/all']) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await boss.call(method, path);
        expect([method, path, res.status, swrCode(res), typeof res.json().error_msg]).toEqual([method, path, 404, 'SVCSTG.SWR.4040083', 'string']);
      }
    }
    const registryRoute = await raw(registry().url, 'GET', '/v2/nothing-here');
    expect(registryRoute.json().errors[0].code).toEqual(expect.any(String));
  });

  it('refuses a credential of the wrong kind with 401 in SWR’s envelope', async () => {
    const registryToken = (await oci.authorization(`repository:${account}r/app:pull`)).replace(/^Bearer /, '');
    for (const token of [registryToken, 'not-a-token', 'x'.repeat(4000)]) {
      const res = await boss.call('GET', '/v2/manage/namespaces', undefined, token);
      expect([res.status, swrCode(res)]).toEqual([401, 'SVCSTG.SWR.4010000']);
    }
  });
}
