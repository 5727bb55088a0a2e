import type { EventEnvelope } from '@swr/contracts';
import { createHmac } from 'node:crypto';
import { AddressPolicy } from './address-policy';
import { checkedCondition, conditionMatches } from './condition';
import { attemptOutcome, Delivery, deliveryBody, deliveryHeaders, deliveryId } from './delivery';
import { TriggerDispatcher } from './dispatcher';
import type { DeliveryJob, TriggerRecord, TriggerStore } from './ports';
import { checkedHeaders, checkedWebhookUrl } from './webhook-url';

describe('trigger conditions', () => {
  it('matches all tags, or listed tags exactly', () => {
    expect(conditionMatches('all', checkedCondition('all', '.*'), 'anything')).toBe(true);
    const listed = checkedCondition('tag', 'v1.2;v1.3');
    expect(['v1.2', 'v1.3', 'v1.23'].map((t) => conditionMatches('tag', listed, t))).toEqual([true, true, false]);
  });

  it.each([
    ['^rel-', ['rel-1', 'rel-', 'prerel-1', 'rel1'], [true, true, false, false]],
    ['v1', ['v1', 'v1.2', 'dev-v1', 'v2'], [true, true, true, false]],
    ['^v1$', ['v1', 'v1.2', 'dev-v1'], [true, false, false]],
    ['v[0-9]+\\.[0-9]+', ['v1.2', 'v10.0', 'v1.2-rc', 'xv1.2', 'v1'], [true, true, true, true, false]],
  ])('searches the tag with the regular condition %s, as grep does', (pattern, tags, expected) => {
    const checked = checkedCondition('regular', pattern);
    expect(tags.map((t) => conditionMatches('regular', checked, t))).toEqual(expected);
  });

  it.each([
    ['(a+)+$', /repeated group/],
    ['(a|aa)*b', /repeated group/],
    ['(x+x+)+y', /repeated group/],
    ['(a)\\1', /back-references/],
    ['(?=a)a', /look-arounds/],
    ['[', /invalid regular expression/],
    ['a'.repeat(300), /1 to 256/],
  ])('refuses the unsafe or invalid pattern %s', (pattern, why) => {
    expect(() => checkedCondition('regular', pattern)).toThrow(why);
  });

  it('refuses tag lists with invalid tags and an all trigger with another condition', () => {
    expect(() => checkedCondition('tag', 'ok;not ok')).toThrow(/invalid tag/);
    expect(() => checkedCondition('tag', ';;')).toThrow(/1 to 100 tags/);
    expect(() => checkedCondition('all', 'v1')).toThrow(/\.\*/);
  });
});

describe('webhook targets', () => {
  const strict = new AddressPolicy({ allowPrivate: false, allowList: [] });

  it('refuses loopback, private, link-local (metadata) and mapped addresses, and allows public ones', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) {
      expect({ address, refused: !!strict.refusal(address) }).toEqual({ address, refused: true });
    }
    expect(strict.refusal('93.184.216.34')).toBeUndefined();
    expect(strict.refusal('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
  });

  it('lets configuration allow an address range, or every private address', () => {
    expect(new AddressPolicy({ allowPrivate: false, allowList: ['127.0.0.1/32'] }).refusal('127.0.0.1')).toBeUndefined();
    expect(new AddressPolicy({ allowPrivate: false, allowList: ['127.0.0.1/32'] }).refusal('127.0.0.2')).toBeDefined();
    expect(new AddressPolicy({ allowPrivate: true, allowList: [] }).refusal('10.0.0.1')).toBeUndefined();
    expect(() => AddressPolicy.parseAllowList('10.0.0.0/8, nonsense')).toThrow(/nonsense/);
  });

  it('refuses malformed URLs, other schemes, credentials and bad or reserved headers', () => {
    expect(() => checkedWebhookUrl('not a url')).toThrow(/not a URL/);
    expect(() => checkedWebhookUrl('ftp://example.com/')).toThrow(/http or https/);
    expect(() => checkedWebhookUrl('https://user:pw@example.com/')).toThrow(/credentials/);
    expect(() => checkedHeaders({ 'X-SWR-Signature': 'forged' })).toThrow(/set by the registry/);
    expect(() => checkedHeaders({ 'X-Big': 'x'.repeat(2000) })).toThrow(/invalid value/);
    expect(() => checkedHeaders({ 'X-Split': 'a\r\nInjected: yes' })).toThrow(/invalid value/);
    expect(checkedHeaders({ Authorization: 'Bearer t' })).toEqual({ Authorization: 'Bearer t' });
  });
});

const delivery: Delivery = {
  id: deliveryId('e1', 't1'),
  eventId: 'e1',
  event: 'push',
  time: '2026-11-23T10:00:00.000Z',
  organization: 'acme',
  repository: 'acme/web',
  tag: 'v1',
  digest: 'sha256:abc',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 42,
  pusher: { id: 'u1', name: 'dev', account: 'acme-co' },
  pullAddress: 'registry.local/acme/web:v1',
  trigger: { name: 'hook', action: 'webhook', triggerMode: 'cce', appType: '', application: '', clusterId: '', clusterName: '', clusterNs: '', container: '' },
};

describe('deliveries', () => {
  it('signs the exact body with the secret, and keeps its id across attempts', () => {
    const body = deliveryBody(delivery, 'default', 1_795_000_000);
    const headers = deliveryHeaders(delivery, body, 1_795_000_000, { secret: 's3cret', format: 'default' });
    expect(headers['x-swr-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
    expect(headers).toMatchObject({ 'x-swr-event': 'push', 'x-swr-delivery': delivery.id, 'x-swr-timestamp': '1795000000' });
    expect(JSON.parse(body)).toMatchObject({ delivery_id: delivery.id, tag: 'v1', pull_address: 'registry.local/acme/web:v1', sent_at: 1_795_000_000 });
    expect(deliveryId('e1', 't1')).toBe(delivery.id);
    expect(deliveryHeaders(delivery, body, 1, { format: 'default' })['x-swr-signature']).toBeUndefined();
  });

  it('speaks CloudEvents 1.0 in structured mode when asked', () => {
    const event = JSON.parse(deliveryBody(delivery, 'cloudevents', 1));
    expect(event).toMatchObject({ specversion: '1.0', id: delivery.id, source: '/swr/acme/web', type: 'com.huaweicloud.swr.image.pushed', subject: 'v1', datacontenttype: 'application/json' });
    expect(deliveryHeaders(delivery, '', 1, { format: 'cloudevents' })['content-type']).toBe('application/cloudevents+json');
  });

  it('retries network failures, 429 and 5xx (after Retry-After), and nothing else', () => {
    expect(attemptOutcome({ error: 'ECONNREFUSED' })).toMatchObject({ result: 'failed', retry: true, status: 0 });
    expect(attemptOutcome({ status: 503, body: 'busy' })).toMatchObject({ retry: true, status: 503 });
    expect(attemptOutcome({ status: 429, retryAfter: '7', body: '' })).toMatchObject({ retry: true, retryAfterMs: 7000 });
    expect(attemptOutcome({ status: 400, body: 'bad' })).toMatchObject({ result: 'failed', retry: false });
    expect(attemptOutcome({ status: 302, body: '' })).toMatchObject({ retry: false, detail: expect.stringContaining('redirects') });
    expect(attemptOutcome({ status: 204, body: '' })).toMatchObject({ result: 'success', retry: false });
  });
});

describe('the trigger dispatcher', () => {
  const trigger = (over: Partial<TriggerRecord>): TriggerRecord => ({
    id: 't1',
    repository: 'acme/web',
    name: 'hook',
    action: 'webhook',
    triggerType: 'tag',
    condition: 'v1;v2',
    enabled: true,
    triggerMode: 'cce',
    appType: '',
    application: '',
    clusterId: '',
    clusterName: '',
    clusterNs: '',
    container: '',
    creatorName: 'dev',
    webhook: { url: 'http://hook.example/', events: ['push'], format: 'default' },
    createdAt: new Date(),
    ...over,
  });
  const pushed = (tag: string, id = `ev-${tag}`): EventEnvelope => ({
    id,
    type: 'image.pushed',
    time: '2026-11-23T10:00:00.000Z',
    actor: { userId: 'u1', userName: 'dev', accountName: 'acme-co' },
    resource: { type: 'image', name: `acme/web:${tag}` },
    outcome: { code: 201 },
    data: { organization: 'acme', repository: 'acme/web', tag, digest: 'sha256:abc', mediaType: 'm', size: 1 },
  });

  it('enqueues one delivery per matching trigger and event, under an id an event handled twice cannot change', async () => {
    const triggers = [trigger({}), trigger({ id: 't2', name: 'all', triggerType: 'all', condition: '.*' }), trigger({ id: 't3', webhook: { url: 'http://x/', events: ['delete'], format: 'default' } })];
    const saved: string[] = [];
    const store = {
      enabledFor: async () => triggers,
      removeRepository: async () => 0,
      saveDeliveries: async (jobs: DeliveryJob[]) => void saved.push(...jobs.map((j) => j.delivery.id)),
    } as unknown as TriggerStore;
    const added = new Map<string, DeliveryJob>();
    const dispatcher = new TriggerDispatcher(store, { add: async (key, job) => !added.has(key) && !!added.set(key, job) }, 'registry.local');
    await dispatcher.handle([pushed('v1'), pushed('v3')]);
    await dispatcher.handle([pushed('v1')]);
    expect([...added.values()].map((j) => `${j.triggerId}:${j.delivery.tag}`).sort()).toEqual(['t1:v1', 't2:v1', 't2:v3']);
    // Kept before they were enqueued, so that a lost queue loses none of them.
    expect(new Set(saved)).toEqual(new Set(added.keys()));
    expect([...added.values()][0].delivery).toMatchObject({ pusher: { id: 'u1', name: 'dev', account: 'acme-co' }, pullAddress: 'registry.local/acme/web:v1' });
  });
});
