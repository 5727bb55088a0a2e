import type { OutboxEntry } from '@swr/contracts';
import type { OutboxSource } from './outbox-relay';

/**
 * An outbox in memory, for events that belong to no database transaction (the gateway's record of
 * reads and refused calls): the relay retries them through a stream outage like any other, but
 * they do not survive a crash of the process, and past `capacity` the oldest are dropped.
 */
export class MemoryOutbox implements OutboxSource {
  private entries: OutboxEntry[] = [];
  private draining = false;
  dropped = 0;

  constructor(
    private readonly capacity = 100_000,
    private readonly onDrop?: (dropped: number) => void,
  ) {}

  add(entry: OutboxEntry): void {
    if (this.entries.length >= this.capacity) {
      this.entries.shift();
      this.dropped++;
      this.onDrop?.(this.dropped);
    }
    this.entries.push(entry);
  }

  get pending(): number {
    return this.entries.length;
  }

  async drain(limit: number, publish: (entries: OutboxEntry[]) => Promise<string[]>): Promise<number> {
    if (this.draining || !this.entries.length) return 0;
    this.draining = true;
    try {
      const batch = this.entries.slice(0, limit);
      const published = new Set(await publish(batch));
      this.entries = this.entries.filter((e) => !published.has(e.id));
      return published.size;
    } finally {
      this.draining = false;
    }
  }
}
