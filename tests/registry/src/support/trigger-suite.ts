import { waitFor } from '@swr/testing';
import { createHmac } from 'node:crypto';
import { ManageClient, swrCode } from './manage-client';
import { OciClient } from './oci-client';
import type { RegistryUnderTest } from '@swr/testing';
import { WebhookReceiver } from './webhook-receiver';

const SECRET = 'receiver-shared-secret';

/**
 * Triggers end to end: pushes through the registry, deliveries to a real HTTP receiver in this
 * process, the history and redelivery through the management API, and the refusals of bad input.
 */
export function describeTriggers(registry: () => RegistryUnderTest): void {
  const stamp = `${Date.now().toString(36)}${process.pid}`;
  const org = `trg${stamp}`;
  const repo = `${org}/web`;
  const base = `/v2/manage/namespaces/${org}/repos/web/triggers`;
  let admin: ManageClient;
  let oci: OciClient;
  let receiver: WebhookReceiver;

  const webhook = (path: string, extra: Record<string, unknown> = {}) => ({ url: `${receiver.url}${path}`, ...extra });
  const create = (body: Record<string, unknown>) => admin.call('POST', base, { action: 'webhook', enable: 'true', ...body });

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    admin = await ManageClient.fromLogin(registry().url, registry().admin);
    oci = new OciClient(registry().url, registry().admin);
    expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
    expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos`, { repository: 'web', is_public: false })).status).toBe(200);
    const triggers = [
      { name: 'release', trigger_type: 'tag', condition: 'v1;v2', webhook: webhook('/release', { secret: SECRET, headers: { 'X-Team': 'web' } }) },
      { name: 'candidates', trigger_type: 'regular', condition: 'rc-[0-9]+', enable: 'false', webhook: webhook('/candidates') },
      { name: 'flaky', trigger_type: 'tag', condition: 'flaky', webhook: webhook('/flaky', { format: 'cloudevents' }) },
      { name: 'refusing', trigger_type: 'tag', condition: 'bad', webhook: webhook('/refusing') },
      { name: 'deletions', trigger_type: 'all', condition: '.*', webhook: webhook('/deletions', { events: ['delete'] }) },
      // A regular condition searches the tag, as grep does: this one fires for rc-1 only.
      { name: 'prefixed', trigger_type: 'regular', condition: '^rc-', webhook: webhook('/prefixed') },
    ];
    for (const trigger of triggers) expect((await create(trigger)).status).toBe(201);
  }, 60_000);

  afterAll(() => receiver?.stop());

  it('delivers each matching push once, signed, and nothing for other tags or a disabled trigger', async () => {
    receiver.script('/flaky', { statuses: [503, 503, 200] });
    receiver.script('/refusing', { statuses: [400] });
    for (const tag of ['v1', 'v3', 'rc-1', 'flaky', 'bad']) await oci.pushImage(repo, tag);
    await waitFor(
      'the deliveries',
      async () => receiver.on('/release').length >= 1 && receiver.on('/flaky').length >= 3 && receiver.on('/refusing').length >= 1 && receiver.on('/prefixed').length >= 1,
    );
    // Anything delivered twice, or to a trigger that should not fire, would have arrived by now.
    await new Promise((r) => setTimeout(r, 1_500));

    const [release] = receiver.on('/release');
    expect(receiver.on('/release')).toHaveLength(1);
    const body = JSON.parse(release.body);
    expect(body).toMatchObject({ event: 'push', repository: repo, organization: org, tag: 'v1', digest: expect.stringMatching(/^sha256:/), pull_address: expect.stringMatching(new RegExp(`/${repo}:v1$`)) });
    expect(body.pusher).toMatchObject({ name: 'admin' });
    expect(release.headers).toMatchObject({ 'x-swr-event': 'push', 'x-swr-delivery': body.delivery_id, 'x-team': 'web', 'x-swr-timestamp': String(body.sent_at) });
    expect(release.headers['x-swr-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(release.body).digest('hex')}`);

    expect(receiver.on('/candidates')).toEqual([]);
    const flaky = receiver.on('/flaky');
    expect(flaky).toHaveLength(3);
    expect(new Set(flaky.map((d) => d.headers['x-swr-delivery'])).size).toBe(1);
    expect(JSON.parse(flaky[0].body)).toMatchObject({ specversion: '1.0', type: 'com.huaweicloud.swr.image.pushed', subject: 'flaky' });
    expect(receiver.on('/refusing')).toHaveLength(1);
    expect(receiver.on('/deletions')).toEqual([]);
    expect(receiver.on('/prefixed').map((d) => JSON.parse(d.body).tag)).toEqual(['rc-1']);
  }, 90_000);

  it('records every attempt in the history, and redelivers with the same delivery id', async () => {
    const flaky = (await admin.call('GET', `${base}/flaky`)).json();
    expect(flaky.trigger_history.map((h: { result: string; status: number; attempt: number }) => [h.attempt, h.result, h.status])).toEqual([
      [3, 'success', 200],
      [2, 'failed', 503],
      [1, 'failed', 503],
    ]);
    expect(flaky.trigger_history[0]).toMatchObject({ tag: 'flaky', action: 'webhook', condition: 'flaky', event: 'push', duration_ms: expect.any(Number) });
    const refusing = (await admin.call('GET', `${base}/refusing`)).json();
    expect(refusing.trigger_history).toEqual([expect.objectContaining({ result: 'failed', status: 400, attempt: 1, detail: expect.stringContaining('400') })]);

    const [delivered] = receiver.on('/release');
    const id = delivered.headers['x-swr-delivery'];
    expect((await admin.call('POST', `${base}/release/histories/${id}/redeliver`)).status).toBe(202);
    await waitFor('the redelivery', async () => receiver.on('/release').length === 2);
    expect(receiver.on('/release')[1].headers['x-swr-delivery']).toBe(id);
    expect((await admin.call('POST', `${base}/release/histories/unknown/redeliver`)).status).toBe(404);
  }, 60_000);

  it('tells deletions to the triggers that listen for them, and forgets a deleted repository’s triggers', async () => {
    expect((await admin.call('DELETE', `/v2/manage/namespaces/${org}/repos/web/tags/v3`)).status).toBe(204);
    await waitFor('the deletion delivery', async () => receiver.on('/deletions').length === 1);
    expect(JSON.parse(receiver.on('/deletions')[0].body)).toMatchObject({ event: 'delete', tag: 'v3' });
  }, 60_000);

  it('lists, disables, enables and deletes triggers with SWR’s fields and codes, the secret never shown', async () => {
    const list = (await admin.call('GET', base)).json();
    expect(list.map((t: { name: string }) => t.name)).toEqual(['release', 'candidates', 'flaky', 'refusing', 'deletions', 'prefixed']);
    expect(list[0]).toMatchObject({ action: 'webhook', trigger_type: 'tag', condition: 'v1;v2', enable: 'true', trigger_mode: 'cce', creator_name: 'admin', webhook: { has_secret: true, events: ['push'], format: 'default' } });
    expect(JSON.stringify(list)).not.toContain(SECRET);
    expect((await admin.call('PATCH', `${base}/release`, { enable: 'false' })).json()).toMatchObject({ enable: 'false' });
    await oci.pushImage(repo, 'v2');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(receiver.on('/release').filter((d) => JSON.parse(d.body).tag === 'v2')).toEqual([]);
    expect((await admin.call('PATCH', `${base}/release`, { enable: 'true', name: 'x' })).status).toBe(400);
    expect((await admin.call('DELETE', `${base}/candidates`)).status).toBe(204);
    expect((await admin.call('GET', `${base}/candidates`)).status).toBe(404);
    expect((await admin.call('DELETE', `${base}/candidates`)).status).toBe(404);
    expect((await create({ name: 'release', trigger_type: 'all', condition: '.*', webhook: webhook('/x') })).status).toBe(409);
  });

  it('refuses bad triggers with clear errors and stores none of them', async () => {
    const before = (await admin.call('GET', base)).json().length;
    const refusals: Array<[string, Record<string, unknown>, number, RegExp]> = [
      ['malformed URL', { name: 'a1', trigger_type: 'all', condition: '.*', webhook: { url: 'not a url' } }, 400, /not a URL/],
      ['other scheme', { name: 'a2', trigger_type: 'all', condition: '.*', webhook: { url: 'file:///etc/passwd' } }, 400, /http or https/],
      ['private address', { name: 'a3', trigger_type: 'all', condition: '.*', webhook: { url: 'http://10.1.2.3/hook' } }, 400, /private/],
      ['metadata address', { name: 'a4', trigger_type: 'all', condition: '.*', webhook: { url: 'http://169.254.169.254/latest' } }, 400, /private/],
      ['catastrophic regular expression', { name: 'a5', trigger_type: 'regular', condition: '(a+)+$', webhook: webhook('/x') }, 400, /repeated group/],
      ['invalid regular expression', { name: 'a6', trigger_type: 'regular', condition: '([', webhook: webhook('/x') }, 400, /regular expression/],
      ['huge header value', { name: 'a7', trigger_type: 'all', condition: '.*', webhook: webhook('/x', { headers: { 'X-Big': 'x'.repeat(5000) } }) }, 400, /./],
      ['header we set ourselves', { name: 'a8', trigger_type: 'all', condition: '.*', webhook: webhook('/x', { headers: { 'X-SWR-Signature': 'forged' } }) }, 400, /set by the registry/],
      ['webhook action without a webhook', { name: 'a9', trigger_type: 'all', condition: '.*' }, 400, /webhook settings/],
      ['update action without its workload', { name: 'b1', action: 'update', trigger_type: 'all', condition: '.*' }, 400, /app_type/],
      ['unknown field', { name: 'b2', trigger_type: 'all', condition: '.*', webhook: webhook('/x'), colour: 'red' }, 400, /./],
    ];
    for (const [what, body, status, message] of refusals) {
      const res = await create(body);
      expect({ what, status: res.status }).toEqual({ what, status });
      expect({ what, message: res.json().error_msg }).toEqual({ what, message: expect.stringMatching(message) });
    }
    const unknown = await admin.call('POST', `/v2/manage/namespaces/${org}/repos/nothing/triggers`, { name: 'x', action: 'webhook', trigger_type: 'all', condition: '.*', enable: 'true', webhook: webhook('/x') });
    expect([unknown.status, swrCode(unknown)]).toEqual([404, 'SVCSTG.SWR.4040010']);
    expect((await admin.call('GET', base)).json()).toHaveLength(before);
  });
}
