import type { OutboxChange, OutboxEntry } from '@swr/contracts';
import type { EventPublisher } from './event-publisher';

/** A service's outbox: hands out locked batches, oldest first, and removes what was published. */
export interface OutboxSource {
  /** `announced`: a write was announced since the last look, so there is likely something to lock. */
  drain(limit: number, publish: (entries: OutboxEntry[]) => Promise<string[]>, announced?: boolean): Promise<number>;
  /** Reports the source's writes as they commit, until the returned function is called. */
  watch?(onChange: (change: OutboxChange) => void): Promise<() => Promise<void>>;
}

export interface OutboxRelaySettings {
  readonly batchSize?: number;
  /**
   * How long an empty outbox is left alone before it is looked at again: the least time between
   * two looks, so that events written close together leave in one batch.
   */
  readonly idleMs?: number;
  /** How long a watched outbox with no write announced is left alone before it is looked at anyway. */
  readonly quietMs?: number;
  /** The longest wait between attempts while publishing fails. */
  readonly maxBackoffMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Moves events from an outbox to the event stream. An entry leaves the outbox only once the stream
 * has acknowledged it; while the stream is down the relay backs off and retries, so an outage
 * delays events and never loses one. Entries published but not yet removed (a crash in between)
 * are published again under the same id, which the stream drops as a duplicate.
 *
 * A source that can be watched announces its writes: the relay then looks at it when one commits
 * (and every `quietMs` regardless) rather than every `idleMs`, so an idle service is idle. While
 * the announcements are not heard (the listener lost), it looks every `idleMs` again.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private unwatch?: () => Promise<void>;
  /** The source's writes are being announced. */
  private listening = false;
  /** A write was announced since the last look. */
  private written = false;
  /** In the wait for an announced write, which one cuts short. */
  private quiet = false;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly quietMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly source: OutboxSource,
    private readonly publisher: EventPublisher,
    private readonly settings: OutboxRelaySettings = {},
  ) {
    this.batchSize = settings.batchSize ?? 200;
    this.idleMs = settings.idleMs ?? 100;
    this.quietMs = settings.quietMs ?? 5_000;
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
    await this.unwatch?.();
    this.unwatch = undefined;
  }

  private changed(change: OutboxChange): void {
    this.listening = change !== 'lost';
    // Back on the channel, the relay looks once for what was written unannounced meanwhile.
    if (change !== 'lost') this.written = true;
    if (this.quiet) this.wake?.();
  }

  private async run(): Promise<void> {
    if (this.source.watch) {
      try {
        this.unwatch = await this.source.watch((change) => this.changed(change));
      } catch (error) {
        this.settings.onError?.(error);
      }
    }
    let backoff = 0;
    let moved = 0;
    while (this.running) {
      let failure: unknown;
      // A full batch leaves more behind as surely as an announced write does.
      const announced = this.written || moved === this.batchSize;
      moved = 0;
      this.written = false;
      try {
        moved = await this.source.drain(this.batchSize, async (entries) => {
          // Published together for throughput; only the acknowledged ones leave the outbox.
          const results = await Promise.allSettled(entries.map((e) => this.publisher.publish(e.subject, e.payload, e.id)));
          failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
          return entries.filter((_, i) => results[i].status === 'fulfilled').map((e) => e.id);
        }, announced);
      } catch (error) {
        failure = error;
      }
      if (failure !== undefined) {
        this.settings.onError?.(failure);
        backoff = Math.min(this.maxBackoffMs, backoff ? backoff * 2 : 100);
        await this.pause(backoff);
      } else {
        backoff = 0;
        if (moved < this.batchSize) await this.rest();
      }
    }
  }

  private async rest(): Promise<void> {
    await this.pause(this.idleMs);
    if (!this.running || !this.listening || this.written) return;
    this.quiet = true;
    try {
      await this.pause(this.quietMs);
    } finally {
      this.quiet = false;
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
