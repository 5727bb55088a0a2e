// The scale-out proof: two replicas of every service as separate processes on real nats-server,
// PostgreSQL, Redis and the S3 server; pushes and pulls through both gateways, with a trigger and the
// audit trail on; one replica of every kind stopped with SIGTERM in the middle. Clients reach the
// gateways through a load balancer that follows their readiness, as a Kubernetes Service does.
import { startDistributedRegistry, waitFor, type DistributedRegistry, type ManagedProcess } from '@swr/testing';
import { ManageClient } from './support/manage-client';
import { OCI_MANIFEST, OciClient } from './support/oci-client';
import { ReadinessBalancer } from './support/readiness-balancer';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(300_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a replica's readiness endpoint said between its SIGTERM and its exit (killed after 30 s). */
async function stopAndWatch(process: ManagedProcess, readyz: string): Promise<{ sawUnready: boolean; answeredAfterSignal: number; exitCode: number | null }> {
  let gone = false;
  void process.exited.then(() => (gone = true));
  process.child.kill('SIGTERM');
  const deadline = setTimeout(() => process.child.kill('SIGKILL'), 30_000);
  let sawUnready = false;
  let answeredAfterSignal = 0;
  while (!gone) {
    const status = await fetch(readyz).then((res) => res.status, () => 0);
    if (status === 503) sawUnready = true;
    if (status === 200 && !sawUnready) answeredAfterSignal++;
    if (status === 0) await sleep(5);
  }
  clearTimeout(deadline);
  return { sawUnready, answeredAfterSignal, exitCode: await process.exited };
}

describe('scale-out: two of every service, one of each stopped under load', () => {
  let registry: DistributedRegistry;
  let receiver: WebhookReceiver;
  const org = `scale${Date.now().toString(36)}`;
  const repo = `${org}/app`;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    registry = await startDistributedRegistry({
      gateways: 2,
      metadataReplicas: 2,
      iamReplicas: 2,
      auditReplicas: 2,
      triggerReplicas: 2,
      retentionReplicas: 2,
      syncReplicas: 2,
      // A stopping replica keeps working, unready, until the balancer (and this test's probe) has seen it.
      appEnv: { SWR_SHUTDOWN_DELAY_MS: '1500' },
    });
    const admin = await ManageClient.fromLogin(registry.url, registry.admin);
    expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
    expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos`, { repository: 'app', is_public: false })).status).toBe(200);
    const trigger = { name: 'every-push', action: 'webhook', enable: 'true', trigger_type: 'all', condition: '.*', webhook: { url: `${receiver.url}/pushes` } };
    expect((await admin.call('POST', `/v2/manage/namespaces/${org}/repos/app/triggers`, trigger)).status).toBe(201);
  });

  afterAll(async () => {
    await registry?.stop();
    await receiver?.stop();
  });

  it('loses no request, event or delivery while one replica of every kind stops', async () => {
    const balancer = await ReadinessBalancer.start(registry.gateways.map((g) => g.url));
    const oci = new OciClient(balancer.url, registry.admin);
    const pushed: string[] = [];
    const failures: string[] = [];
    let loading = true;

    /** Pushes an image and pulls it back, each request through whichever gateway the balancer picks. */
    const client = async (n: number) => {
      for (let i = 0; loading; i++) {
        const tag = `c${n}-${i}`;
        try {
          const image = await oci.pushImage(repo, tag);
          pushed.push(tag);
          const manifest = await oci.request('GET', `/v2/${repo}/manifests/${tag}`, { headers: { accept: OCI_MANIFEST } });
          if (manifest.status !== 200) failures.push(`pull of ${tag}: ${manifest.status}`);
          const { digest } = JSON.parse(image.body.toString()).layers[0];
          const layer = await oci.request('GET', `/v2/${repo}/blobs/${digest}`);
          if (layer.status !== 200) failures.push(`blob of ${tag}: ${layer.status}`);
        } catch (error) {
          failures.push(`${tag}: ${error instanceof Error ? error.message : String(error)}`);
          await sleep(200);
        }
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(client));

    await sleep(3_000);
    const byName = new Map(registry.apps.map((a) => [a.name, a]));
    const leaving = ['gateway-2', 'metadata-1', 'iam-1', 'audit-worker-1', 'trigger-worker-1', 'retention-worker-1', 'sync-worker-1'];
    const stops = await Promise.all(
      leaving.map(async (name) => {
        const app = byName.get(name);
        if (!app) throw new Error(`no replica named ${name}`);
        const readyz = `${app.opsUrl ?? registry.gateways[1].url}/readyz`;
        return { name, ...(await stopAndWatch(app.process, readyz)) };
      }),
    );
    const pushedWhileStopping = pushed.length;
    await sleep(3_000);
    loading = false;
    await load;
    await balancer.stop();

    expect(failures).toEqual([]);
    expect(pushed.length).toBeGreaterThan(pushedWhileStopping);
    for (const stop of stops) expect(stop).toEqual({ name: stop.name, sawUnready: true, answeredAfterSignal: 0, exitCode: 0 });

    // Every push in the audit trail once, and delivered once to the trigger's webhook.
    const reader = await ManageClient.fromLogin(registry.url, registry.admin);
    const pushTraces = async () => {
      const traces: Array<{ resource_name: string }> = [];
      for (let next = ''; ; ) {
        const res = await reader.call('GET', `/v3/${reader.projectId}/traces?limit=200&trace_name=pushImage${next ? `&next=${next}` : ''}`);
        const body = res.json();
        traces.push(...body.traces);
        if (!body.meta_data.marker) return traces.filter((t) => t.resource_name.startsWith(`${repo}:`));
        next = body.meta_data.marker;
      }
    };
    await waitFor('every push audited and delivered', async () => (await pushTraces()).length >= pushed.length && receiver.on('/pushes').length >= pushed.length, 60_000);
    // Anything recorded or delivered twice would have arrived by now.
    await sleep(2_000);
    const audited = (await pushTraces()).map((t) => t.resource_name.slice(repo.length + 1));
    expect(audited.sort()).toEqual([...pushed].sort());
    const delivered = receiver.on('/pushes').map((d) => JSON.parse(d.body).tag as string);
    expect(delivered.sort()).toEqual([...pushed].sort());
  });
});
