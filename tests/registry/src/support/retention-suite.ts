import type { RegistryUnderTest } from '@swr/testing';
import { waitFor } from '@swr/testing';
import { ManageClient, swrCode } from './manage-client';
import { OciClient } from './oci-client';
import { WebhookReceiver } from './webhook-receiver';

/** SWR's retention API end to end: policies through the management API, tags pushed over the registry API, removals by the retention worker. */
export function describeRetention(registry: () => RegistryUnderTest): void {
  let admin: ManageClient;
  let oci: OciClient;
  let receiver: WebhookReceiver;
  const org = `ret${Date.now().toString(36)}`;
  const path = (repo: string) => `/v2/manage/namespaces/${org}/repos/${repo}/retentions`;
  const tagsOf = async (repo: string) => ((await oci.request('GET', `/v2/${org}/${repo}/tags/list`)).json().tags as string[]).sort();
  const keepTwo = { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '2' }, tag_selectors: [{ kind: 'label', pattern: 'v1' }] }] };

  beforeAll(async () => {
    admin = await ManageClient.fromLogin(registry().url, registry().admin);
    oci = new OciClient(registry().url, registry().admin);
    receiver = await WebhookReceiver.start();
    expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
    // A retention worker started beside the registry answers once it has migrated its schema.
    await oci.pushImage(`${org}/probe`, 'v1');
    await waitFor('a retention worker', async () => (await admin.call('GET', path('probe'))).status === 200);
  });
  afterAll(() => receiver?.stop());

  /** Five tags of five images, pushed one after another so that their push times are apart. */
  async function pushFive(repo: string): Promise<void> {
    for (const tag of ['v1', 'v2', 'v3', 'v4', 'v5']) {
      await oci.pushImage(`${org}/${repo}`, tag);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('keeps the two newest tags and the exception as soon as the policy is set, and logs each tag it removed with its rule', async () => {
    await pushFive('app');
    const trigger = { name: 'removals', action: 'webhook', trigger_type: 'all', condition: '.*', enable: 'true', webhook: { url: `${receiver.url}/removals`, events: ['delete'] } };
    expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos/app/triggers`, trigger)).status).toBe(201);
    const created = await admin.call('POST', path('app'), keepTwo);
    expect(created.status).toBe(201);
    const id = created.json().id as number;
    expect(Number.isInteger(id)).toBe(true);

    await waitFor('the policy applied', async () => (await tagsOf('app')).length === 3);
    expect(await tagsOf('app')).toEqual(['v1', 'v4', 'v5']);
    const history = await admin.call('GET', `${path('app')}/histories?limit=10&offset=0`);
    expect(history.status).toBe(200);
    expect(history.header('content-range')).toBe('0-2/2');
    const logs = history.json();
    expect(logs.total).toBe(2);
    expect(logs.retention_log.map((l: { tag: string }) => l.tag).sort()).toEqual(['v2', 'v3']);
    expect(logs.retention_log[0]).toMatchObject({ retention_id: id, namespace: org, repo: 'app' });
    expect(JSON.parse(logs.retention_log[0].rule_type)).toEqual(keepTwo.rules[0]);
    expect((await admin.call('GET', `${path('app')}/histories?filter=limit::1|offset::1`)).json().retention_log).toHaveLength(1);

    // Removed as a user's delete would be: delete webhooks, and the account's trail names the policy as the system's actor.
    await waitFor('the delete webhooks', async () => receiver.on('/removals').length === 2);
    expect(receiver.on('/removals').map((d) => JSON.parse(d.body)).map((b: { event: string; tag: string }) => [b.event, b.tag]).sort()).toEqual([
      ['delete', 'v2'],
      ['delete', 'v3'],
    ]);
    await waitFor('the trace of a removal', async () => {
      const traces = (await admin.call('GET', `/v3/${admin.projectId}/traces?trace_name=deleteImageTag&resource_name=${encodeURIComponent(`${org}/app:v2`)}`)).json().traces;
      return traces.length === 1 && traces[0].trace_type === 'SystemAction' && traces[0].user.name === `retention-policy-${id}`;
    });
  });

  it('answers a dry run without removing anything, then applies the policy on demand', async () => {
    const id = (await admin.call('GET', path('app'))).json()[0].id;
    await oci.pushImage(`${org}/app`, 'v6');
    const dry = await admin.call('POST', `${path('app')}/${id}/dry-run`);
    expect(dry.status).toBe(200);
    expect(dry.json().removals).toEqual([{ tag: 'v4', digest: expect.stringMatching(/^sha256:/), rule_type: JSON.stringify(keepTwo.rules[0]) }]);
    expect(await tagsOf('app')).toEqual(['v1', 'v4', 'v5', 'v6']);

    expect((await admin.call('POST', `${path('app')}/${id}/execute`)).status).toBe(202);
    await waitFor('the run on demand', async () => !(await tagsOf('app')).includes('v4'));
    expect(await tagsOf('app')).toEqual(['v1', 'v5', 'v6']);
    expect((await admin.call('GET', `${path('app')}/histories`)).json().total).toBe(3);
  });

  it("shows policies in SWR's shape, allows one per repository, refuses what SWR refuses, and deletes", async () => {
    const list = await admin.call('GET', path('app'));
    expect(list.status).toBe(200);
    const [policy] = list.json();
    expect(policy).toEqual({ id: policy.id, algorithm: 'or', rules: keepTwo.rules, scope: '' });
    expect((await admin.call('GET', `${path('app')}/${policy.id}`)).json()).toEqual(policy);

    const again = await admin.call('POST', path('app'), keepTwo);
    expect(again.status).toBe(409);
    for (const bad of [
      { algorithm: 'and', rules: keepTwo.rules },
      { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '0' }, tag_selectors: [] }] },
      { algorithm: 'or', rules: [{ template: 'date_rule', params: { days: '366' }, tag_selectors: [] }] },
      { algorithm: 'or', rules: [{ template: 'date_rule', params: { days: 30 }, tag_selectors: [] }] },
      { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '3' }, tag_selectors: [{ kind: 'regexp', pattern: '(a+)+$' }] }] },
    ]) {
      const refused = await admin.call('POST', path('other'), bad);
      expect([400, 404]).toContain(refused.status);
    }
    await oci.pushImage(`${org}/other`, 'v1');
    const invalid = await admin.call('POST', path('other'), { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '1001' }, tag_selectors: [] }] });
    expect(invalid.status).toBe(400);
    expect(swrCode(invalid)).toMatch(/^SVCSTG\.SWR\.400/);
    expect((await admin.call('GET', `${path('app')}/999999`)).status).toBe(404);

    expect((await admin.call('DELETE', `${path('app')}/${policy.id}`)).status).toBe(200);
    const absent = await admin.call('DELETE', `${path('app')}/${policy.id}`);
    expect(absent.status).toBe(400);
    expect(swrCode(absent)).toBe('SVCSTG.SWR.4000306');
    expect((await admin.call('GET', path('app'))).json()).toEqual([]);
    // The history outlives the policy.
    expect((await admin.call('GET', `${path('app')}/histories`)).json().total).toBe(3);
  });
}
