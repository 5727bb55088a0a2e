import type { ConsumerObserver } from '@swr/messaging';
import type { Counter } from 'prom-client';
import type { Metrics } from './metrics';

/**
 * Counts what a worker kind's consumer does with its deliveries (`swr_event_consumer_handled_total`,
 * `swr_event_consumer_redeliveries_total`), and reads at each scrape what it has yet to handle
 * (`swr_event_consumer_pending_messages`) from `pending`, once the consumer exists; a scrape that
 * cannot read it leaves the gauge out rather than show an old value.
 */
export class EventConsumerMetrics implements ConsumerObserver {
  private pendingSource?: () => Promise<number>;
  private readonly handledTotal: Counter<'consumer' | 'outcome'>;
  private readonly redeliveries: Counter<'consumer'>;

  constructor(
    metrics: Metrics,
    private readonly consumer: string,
  ) {
    this.handledTotal = metrics.counter('swr_event_consumer_handled_total', 'Event deliveries handled, by durable consumer and outcome (ok | error)', ['consumer', 'outcome']);
    this.redeliveries = metrics.counter('swr_event_consumer_redeliveries_total', 'Deliveries of events offered before (a failure, or a replica that went away with them), by durable consumer', ['consumer']);
    metrics.gauge('swr_event_consumer_pending_messages', 'Events the durable consumer has yet to handle: not yet delivered, or delivered and awaiting their outcome', ['consumer'], async (gauge) => {
      gauge.reset();
      const pending = await this.pendingSource?.().catch(() => undefined);
      if (pending !== undefined) gauge.set({ consumer }, pending);
    });
  }

  /** Where the pending count is read from: the consumer, which is built with this observer. */
  readPendingFrom(source: { pending(): Promise<number> }): void {
    this.pendingSource = () => source.pending();
  }

  handled(outcome: 'ok' | 'error', deliveries: number): void {
    this.handledTotal.inc({ consumer: this.consumer, outcome }, deliveries);
  }

  redelivered(): void {
    this.redeliveries.inc({ consumer: this.consumer });
  }
}
