import type { OutboxEntry } from '@swr/contracts';
import type { EventPublisher } from './event-publisher';

/** A service's outbox: hands out locked batches, oldest first, and removes what was published. */
export interface OutboxSource {
  drain(limit: number, publish: (entries: OutboxEntry[]) => Promise<string[]>): Promise<number>;
}

export interface OutboxRelaySettings {
  readonly batchSize?: number;
  /** How long an empty outbox is left alone before it is looked at again. */
  readonly idleMs?: number;
  /** The longest wait between attempts while publishing fails. */
  readonly maxBackoffMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Moves events from an outbox to the event stream. An entry leaves the outbox only once the stream
 * has acknowledged it; while the stream is down the relay backs off and retries, so an outage
 * delays events and never loses one. Entries published but not yet removed (a crash in between)
 * are published again under the same id, which the stream drops as a duplicate.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly source: OutboxSource,
    private readonly publisher: EventPublisher,
    private readonly settings: OutboxRelaySettings = {},
  ) {
    this.batchSize = settings.batchSize ?? 200;
    this.idleMs = settings.idleMs ?? 100;
    this.maxBackoffMs = settings.maxBackoffMs ?? 5_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Looks at the outbox now rather than after the idle wait (a writer just committed). */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.running) {
      let failure: unknown;
      let moved = 0;
      try {
        moved = await this.source.drain(this.batchSize, async (entries) => {
          // Published together for throughput; only the acknowledged ones leave the outbox.
          const results = await Promise.allSettled(entries.map((e) => this.publisher.publish(e.subject, e.payload, e.id)));
          failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
          return entries.filter((_, i) => results[i].status === 'fulfilled').map((e) => e.id);
        });
      } catch (error) {
        failure = error;
      }
      if (failure !== undefined) {
        this.settings.onError?.(failure);
        backoff = Math.min(this.maxBackoffMs, backoff ? backoff * 2 : 100);
        await this.pause(backoff);
      } else {
        backoff = 0;
        if (moved < this.batchSize) await this.pause(this.idleMs);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
