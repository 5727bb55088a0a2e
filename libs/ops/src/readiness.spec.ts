import { Metrics } from './metrics';
import { OpsEndpoints, startOpsServer } from './ops-server';
import { Readiness } from './readiness';

describe('Readiness', () => {
  it('is ready when every dependency answers, and says which one does not', async () => {
    const readiness = new Readiness({ postgres: async () => undefined, redis: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) });

    expect(await readiness.report()).toEqual({ ready: false, checks: { postgres: 'ok', redis: 'connect ECONNREFUSED 127.0.0.1:6379' } });
  });

  it('counts a dependency that does not answer in time as not ready', async () => {
    const readiness = new Readiness({ nats: () => new Promise<void>(() => undefined) }, 50);

    expect(await readiness.report()).toEqual({ ready: false, checks: { nats: 'no answer within 50 ms' } });
  });

  it('says not ready for good once draining, whatever its dependencies say', async () => {
    const readiness = new Readiness({ postgres: async () => undefined });
    expect((await readiness.report()).ready).toBe(true);

    readiness.drain();

    expect(await readiness.report()).toEqual({ ready: false, checks: { shutdown: 'draining' } });
  });

  it('ends a report under way as not ready when the drain starts, without waiting for its checks', async () => {
    const readiness = new Readiness({ postgres: () => new Promise(() => undefined) }, 60_000);
    const report = readiness.report();
    readiness.drain();
    expect(await report).toEqual({ ready: false, checks: { shutdown: 'draining' } });
  });
});

describe('the ops server', () => {
  it('answers /healthz, /readyz (503 when not ready) and /metrics, and nothing else', async () => {
    let up = true;
    const readiness = new Readiness({ postgres: async () => (up ? undefined : Promise.reject(new Error('down'))) });
    const metrics = new Metrics('test-app');
    metrics.counter('swr_test_things_total', 'things').inc(3);
    const server = await startOpsServer(new OpsEndpoints(readiness, metrics), 0, '127.0.0.1');
    const url = `http://127.0.0.1:${server.port}`;
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      up = false;
      const notReady = await fetch(`${url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not ready', checks: { postgres: 'down' } });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      const scrape = await fetch(`${url}/metrics`);
      expect(scrape.headers.get('content-type')).toContain('text/plain');
      const text = await scrape.text();
      expect(text).toContain('swr_test_things_total{app="test-app"} 3');
      expect(text).toContain('process_cpu_seconds_total{app="test-app"}');

      expect((await fetch(`${url}/other`)).status).toBe(404);
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
