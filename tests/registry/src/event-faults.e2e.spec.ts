import type { RawResponse } from './support/http';
import { ManageClient } from './support/manage-client';
import { EMPTY_CONFIG, OCI_MANIFEST, OciClient, sha256 } from './support/oci-client';
import { DistributedRegistry, startDistributedRegistry, waitFor } from '@swr/testing';
import { WebhookReceiver } from './support/webhook-receiver';

interface Answered {
  readonly requestId: string;
  readonly status: number;
}

/**
 * The event backbone under faults, with real services: NATS stopped and started, the audit worker
 * killed, two of them at once, PostgreSQL restarted, each while pushes keep coming. Every answered
 * call must end up in the audit trail, and every successful one exactly once.
 */
describe('events under faults (distributed: NATS, PostgreSQL, Redis, audit workers)', () => {
  let registry: DistributedRegistry;
  let admin: ManageClient;
  let oci: OciClient;
  let round = 0;
  const stamp = `${Date.now().toString(36)}${process.pid}`;
  const repo = `faults${stamp}/app`;

  beforeAll(async () => {
    registry = await startDistributedRegistry({ gateways: 1, metadataReplicas: 1, auditReplicas: 1 });
    admin = await ManageClient.fromLogin(registry.url, registry.admin);
    oci = new OciClient(registry.url, registry.admin);
    await oci.pushImage(repo, 'warm-up');
  }, 180_000);

  afterAll(() => registry?.stop(), 60_000);

  const answered = (res: RawResponse): Answered => ({ requestId: String(res.header('x-request-id')), status: res.status });

  /** One image: a unique layer (monolithic upload) and its manifest, as two audited writes. */
  async function pushOne(): Promise<Answered[]> {
    round += 1;
    const layer = Buffer.from(`layer ${round} ${stamp}`);
    const blob = await oci.request('POST', `/v2/${repo}/blobs/uploads/?digest=${sha256(layer)}`, { body: layer, headers: { 'content-type': 'application/octet-stream' } });
    const config = sha256(EMPTY_CONFIG.data);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: EMPTY_CONFIG.mediaType, digest: config, size: EMPTY_CONFIG.data.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
      }),
    );
    const put = await oci.request('PUT', `/v2/${repo}/manifests/r${round}`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } });
    return [answered(blob), answered(put)];
  }

  /** Pushes `count` images one after another while `fault` runs beside them. */
  async function pushDuring(count: number, fault: () => Promise<void>): Promise<Answered[]> {
    const answers: Answered[] = [];
    const pushing = (async () => {
      for (let i = 0; i < count; i++) answers.push(...(await pushOne()));
    })();
    // The fault strikes once the first image is in, so that some pushes succeed however loaded the machine is.
    await waitFor('the first image pushed', async () => answers.length >= 2, 60_000);
    await fault();
    await pushing;
    return answers;
  }

  /** Trace counts by request id, over the whole trail (read page by page). */
  async function tracesByRequest(): Promise<Map<string, string[]>> {
    const byRequest = new Map<string, string[]>();
    let next = '';
    for (;;) {
      const res = await admin.call('GET', `/v3/${admin.projectId}/traces?limit=200${next ? `&next=${next}` : ''}`);
      if (res.status !== 200) throw new Error(`trail unreadable: ${res.status}`);
      const body = res.json();
      for (const trace of body.traces) byRequest.set(trace.request_id, [...(byRequest.get(trace.request_id) ?? []), trace.trace_name]);
      if (!body.meta_data.marker) return byRequest;
      next = body.meta_data.marker;
    }
  }

  /** Every answer is in the trail; every success exactly once, under the write's own name. */
  async function expectAudited(answers: Answered[]): Promise<void> {
    expect(answers.length).toBeGreaterThan(0);
    let byRequest = new Map<string, string[]>();
    const missing = () => answers.filter((a) => !byRequest.has(a.requestId));
    await waitFor(
      'every answered call in the trail',
      async () => {
        byRequest = await tracesByRequest();
        return missing().length === 0;
      },
      60_000,
    ).catch(() => expect(missing()).toEqual([]));
    await new Promise((r) => setTimeout(r, 1_500));
    byRequest = await tracesByRequest();
    const successes = answers.filter((a) => a.status < 400);
    expect(successes.length).toBeGreaterThan(0);
    const counts = successes.map((a) => (byRequest.get(a.requestId) ?? []).filter((name) => name === 'uploadBlob' || name === 'pushImage').length);
    expect(counts.filter((n) => n !== 1)).toEqual([]);
  }

  it('loses and duplicates nothing while nats-server is stopped and started again mid-push', async () => {
    const answers = await pushDuring(12, async () => {
      await new Promise((r) => setTimeout(r, 300));
      await registry.nats.halt();
      await new Promise((r) => setTimeout(r, 2_000));
      await registry.nats.start();
    });
    await expectAudited(answers);
  }, 180_000);

  it('leaves no gap and no duplicate when the audit worker is SIGKILLed mid-stream and started again', async () => {
    const answers = await pushDuring(12, async () => {
      await new Promise((r) => setTimeout(r, 500));
      registry.auditWorkers[0].child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1_000));
      registry.startAuditWorker();
    });
    await expectAudited(answers);
  }, 180_000);

  it('stores each event once with two audit worker replicas sharing the stream', async () => {
    registry.startAuditWorker();
    const answers = await pushDuring(12, async () => undefined);
    await expectAudited(answers);
  }, 180_000);

  it('delivers a webhook again, with the same delivery id, after its trigger worker was SIGKILLed mid-delivery', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      receiver.script('/slow', { statuses: [200], delayMs: 3_000 });
      const triggers = `/v2/manage/namespaces/faults${stamp}/repos/app/triggers`;
      const created = await admin.call('POST', triggers, { name: 'slow', action: 'webhook', trigger_type: 'tag', condition: 'slow', enable: 'true', webhook: { url: `${receiver.url}/slow` } });
      expect(created.status).toBe(201);
      await oci.pushImage(repo, 'slow');
      await waitFor('the first attempt', async () => receiver.on('/slow').length === 1, 30_000);
      registry.triggerWorkers[0].child.kill('SIGKILL');
      registry.startTriggerWorker();
      await waitFor('the delivery after the restart', async () => receiver.on('/slow').length >= 2, 60_000);
      const [first, again] = receiver.on('/slow');
      expect(again.headers['x-swr-delivery']).toBe(first.headers['x-swr-delivery']);
      await waitFor('the delivery recorded', async () => (await admin.call('GET', `${triggers}/slow`)).json().trigger_history.some((h: { result: string }) => h.result === 'success'), 30_000);
    } finally {
      await receiver.stop();
    }
  }, 180_000);

  it('delivers each matching push once with two trigger worker replicas', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      registry.startTriggerWorker();
      const triggers = `/v2/manage/namespaces/faults${stamp}/repos/app/triggers`;
      expect((await admin.call('POST', triggers, { name: 'pair', action: 'webhook', trigger_type: 'regular', condition: 'pair-[0-9]+', enable: 'true', webhook: { url: `${receiver.url}/pair` } })).status).toBe(201);
      for (let i = 0; i < 10; i++) await oci.pushImage(repo, `pair-${i}`);
      await waitFor('ten deliveries', async () => receiver.on('/pair').length >= 10, 60_000);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(receiver.on('/pair').map((d) => JSON.parse(d.body).tag).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `pair-${i}`).sort());
    } finally {
      await receiver.stop();
    }
  }, 180_000);

  it('reconnects and loses nothing when PostgreSQL restarts under load', async () => {
    const answers = await pushDuring(12, async () => {
      await new Promise((r) => setTimeout(r, 300));
      await registry.restartPostgres(1_000);
    });
    await expectAudited(answers);
  }, 240_000);
});
