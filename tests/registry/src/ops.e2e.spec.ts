// Health, readiness and metrics of every app of the distributed registry, as an orchestrator and a
// Prometheus server would use them: real nats-server, PostgreSQL, Redis and the S3 server.
import { startDistributedRegistry, waitFor, type DistributedRegistry } from '@swr/testing';
import { OCI_MANIFEST, OciClient, uniqueName } from './support/oci-client';
import { parsePrometheusText, total } from './support/prometheus-text';

jest.setTimeout(180_000);

describe('health, readiness and metrics (distributed)', () => {
  let registry: DistributedRegistry;
  /** Each app's endpoint base: the gateway's own port, the others' SWR_METRICS_PORT. */
  let endpoints: Array<{ name: string; url: string }>;

  beforeAll(async () => {
    registry = await startDistributedRegistry({ gateways: 1, metadataReplicas: 1 });
    endpoints = registry.apps.map(({ name, opsUrl }) => ({ name, url: opsUrl ?? registry.gateways[0].url }));
    // Workers start listening once they have reached their dependencies.
    for (const { name, url } of endpoints) await waitFor(`${name}'s health endpoint`, async () => (await fetch(`${url}/healthz`)).ok);
  });

  afterAll(() => registry?.stop());

  async function readiness(url: string): Promise<{ status: number; checks: Record<string, string> }> {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
  }

  it('every app is alive and ready, naming the dependencies it checked', async () => {
    const names = endpoints.map((e) => e.name.replace(/-\d+$/, ''));
    expect(new Set(names)).toEqual(new Set(['gateway', 'metadata', 'iam', 'audit-worker', 'trigger-worker', 'retention-worker', 'sync-worker']));
    for (const { name, url } of endpoints) {
      expect({ name, status: (await fetch(`${url}/healthz`)).status }).toEqual({ name, status: 200 });
      const { status, checks } = await readiness(url);
      expect({ name, status }).toEqual({ name, status: 200 });
      expect(Object.values(checks).every((state) => state === 'ok')).toBe(true);
      expect(Object.keys(checks)).toContain('nats');
      if (!name.startsWith('gateway')) expect(Object.keys(checks)).toContain('postgres');
      if (name.includes('worker')) expect(Object.keys(checks)).toContain('redis');
    }
  });

  it("serves Prometheus text on every app, and the gateway's request counts move with pushes and pulls, by route template only", async () => {
    const gateway = registry.gateways[0].url;
    const scrape = async (url: string) => parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    const before = await scrape(gateway);
    const client = new OciClient(gateway, registry.admin);
    const name = uniqueName('ops/metrics');
    await client.pushImage(name, 'v1');
    expect((await client.request('GET', `/v2/${name}/manifests/v1`, { headers: { accept: OCI_MANIFEST } })).status).toBe(200);
    const after = await scrape(gateway);

    const manifestPuts = (samples: typeof before) => total(samples, 'swr_http_request_duration_seconds_count', { method: 'PUT', route: '/v2/{name}/manifests/{reference}', status: '201' });
    expect(manifestPuts(after) - manifestPuts(before)).toBe(1);
    const manifestGets = total(after, 'swr_http_request_duration_seconds_count', { method: 'GET', route: '/v2/{name}/manifests/{reference}', status: '200' });
    expect(manifestGets).toBeGreaterThanOrEqual(1);
    const uploaded = (samples: typeof before) =>
      total(samples, 'swr_http_request_bytes_total', { route: '/v2/{name}/blobs/uploads/' }) + total(samples, 'swr_http_request_bytes_total', { route: '/v2/{name}/blobs/uploads/{id}' });
    expect(uploaded(after) - uploaded(before)).toBeGreaterThan(1024);
    // No label carries a repository name or a digest.
    expect(after.some((s) => Object.values(s.labels).some((v) => v.includes(name) || v.includes('sha256:')))).toBe(false);

    for (const { name: app, url } of endpoints) {
      const samples = await scrape(url);
      expect({ app, cpu: total(samples, 'process_cpu_seconds_total') > 0 }).toEqual({ app, cpu: true });
      expect(samples.every((s) => s.labels.app !== undefined)).toBe(true);
    }
  });

  it('metadata says not ready while PostgreSQL is down, and ready again once it is back', async () => {
    const metadata = endpoints.find((e) => e.name === 'metadata-1')!.url;
    const seen: Array<{ status: number; postgres: string }> = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const { status, checks } = await readiness(metadata).catch(() => ({ status: 0, checks: {} as Record<string, string> }));
        seen.push({ status, postgres: checks.postgres });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await registry.restartPostgres(3_000);
    for (let i = 0; i < 100 && (await readiness(metadata)).status !== 200; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    polling = false;
    await poll;

    expect(seen.some((s) => s.status === 503 && s.postgres !== 'ok')).toBe(true);
    expect((await readiness(metadata)).status).toBe(200);
    // Alive all along: an outage of a dependency is no reason to restart the process.
    expect((await fetch(`${metadata}/healthz`)).status).toBe(200);
  });
});
