import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { LatencyHistogram } from './latency-histogram';

/**
 * The process's Prometheus metrics: Node's own (CPU, memory, event loop, GC, handles) and what its
 * app records, every series labelled with the app's name. Labels take bounded values only: route
 * templates, methods, status codes, subjects; never a repository name or a digest.
 *
 * A name is registered once: asking for it again returns the metric registered first, so that
 * two decorators of the same kind in one process (two measured job queues) share their series.
 */
export class Metrics {
  readonly registry = new Registry();

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.once(name, () => new Counter({ name, help, labelNames, registers: [this.registry] }));
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[] = LATENCY_BUCKETS): LatencyHistogram<L> {
    const registered: unknown = this.registry.getSingleMetric(name);
    if (registered instanceof LatencyHistogram) return registered as LatencyHistogram<L>;
    if (registered) throw new Error(`${name} is registered already, and is not a histogram`);
    const histogram = new LatencyHistogram(name, help, labelNames, buckets);
    this.registry.registerMetric(histogram.asRegistered());
    return histogram;
  }

  /** A gauge whose values `collect` sets at each scrape (it reads them from where they live: a database, a queue). */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect: (gauge: Gauge<L>) => Promise<void>): Gauge<L> {
    return this.once(name, () => new Gauge({ name, help, labelNames, registers: [this.registry], collect() { return collect(this); } }));
  }

  /** The exposition text and its content type, for a scrape. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private once<M extends Metric>(name: string, create: () => M): M {
    return (this.registry.getSingleMetric(name) as M | undefined) ?? create();
  }
}

/** Seconds, from a cached manifest answer (under a millisecond) to a large blob transfer. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
