import { Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS, Metrics } from './metrics';

/** The samples of one metric in a scrape, each with its labels sorted: their order means nothing to Prometheus. */
async function scrapeOf(registry: Registry, name: string): Promise<string[]> {
  const block = (await registry.metrics()).split('\n\n').find((b) => b.includes(`# TYPE ${name} `)) ?? '';
  return block.split('\n').map((line) => {
    const labels = /\{(.*)\}/.exec(line);
    return labels ? line.replace(labels[1], labels[1].split(',').sort().join(',')) : line;
  });
}

describe('LatencyHistogram', () => {
  const observations: Array<[method: string, status: string, seconds: number]> = [
    ['GET', '200', 0.0002],
    ['GET', '200', 0.0005],
    ['GET', '200', 0.03],
    ['HEAD', '404', 0.001],
    ['GET', '200', 75],
    ['PUT', '201', 2.5],
  ];

  it('is scraped as prom-client scrapes its own histogram given the same observations, with the default labels', async () => {
    const metrics = new Metrics('gateway');
    const ours = metrics.histogram('swr_test_duration_seconds', 'Test requests', ['method', 'status']);
    const reference = new Registry();
    reference.setDefaultLabels({ app: 'gateway' });
    const theirs = new Histogram({ name: 'swr_test_duration_seconds', help: 'Test requests', labelNames: ['method', 'status'], buckets: LATENCY_BUCKETS, registers: [reference] });
    for (const [method, status, seconds] of observations) {
      ours.of(method, status).observe(seconds);
      theirs.observe({ method, status }, seconds);
    }
    const scraped = await scrapeOf(metrics.registry, 'swr_test_duration_seconds');
    expect(scraped).toContain('swr_test_duration_seconds_bucket{app="gateway",le="0.0005",method="GET",status="200"} 2');
    expect(scraped).toContain('swr_test_duration_seconds_bucket{app="gateway",le="+Inf",method="GET",status="200"} 4');
    expect(scraped).toContain('swr_test_duration_seconds_sum{app="gateway",method="GET",status="200"} 75.0307');
    expect(scraped).toEqual(await scrapeOf(reference, 'swr_test_duration_seconds'));
  });

  it('refuses a series named by the wrong number of label values', () => {
    const histogram = new Metrics('gateway').histogram('swr_test_seconds', 'Test', ['method', 'status']);
    expect(() => histogram.of('GET')).toThrow('swr_test_seconds takes the labels method, status');
  });

  it('refuses a histogram by the name of another kind of metric', () => {
    const metrics = new Metrics('gateway');
    metrics.counter('swr_test_total', 'Test');
    expect(() => metrics.histogram('swr_test_total', 'Test', ['a'])).toThrow('swr_test_total is registered already, and is not a histogram');
  });

  it('is the same histogram when asked for again by name', () => {
    const metrics = new Metrics('gateway');
    metrics.histogram('swr_test_seconds', 'Test', ['queue']).of('a').observe(1);
    expect(metrics.histogram('swr_test_seconds', 'Test', ['queue'])).toBe(metrics.histogram('swr_test_seconds', 'Test', ['queue']));
  });
});
