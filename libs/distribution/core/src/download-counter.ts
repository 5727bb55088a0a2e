import { RepositoryRpc, RpcClient } from '@swr/contracts';
import { randomUUID } from 'node:crypto';

const BATCH = 1_000;

interface Tally {
  count: number;
  bytes: number;
}

interface Batch {
  readonly id: string;
  readonly counts: ReadonlyArray<{ repository: string; count: number; bytes: number }>;
}

/**
 * Pull counts and the bytes served to pulls, without a database write on the pull path: counted
 * in memory per repository and added to the metadata service in batches every few seconds (and
 * once more on shutdown). Each batch has an id the metadata service records once, and a batch
 * that failed is sent again as it was: one that timed out after it was recorded is not counted
 * twice. While one waits, new counts gather in memory (one tally per repository, so an outage
 * costs memory in repositories, not in pulls).
 */
export class DownloadCounter {
  private pending = new Map<string, Tally>();
  private unsent: Batch[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly metadata: RpcClient,
    private readonly intervalMs = 2_000,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** A pull: one manifest GET of `bytes`. */
  count(repository: string, bytes: number): void {
    const tally = this.tally(repository);
    tally.count += 1;
    tally.bytes += bytes;
  }

  /** Bytes a pull was served besides its manifest (a blob, whole or a range). */
  served(repository: string, bytes: number): void {
    this.tally(repository).bytes += bytes;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Sends what is counted, waiting at most `waitMs`: a metadata service stopping at the same time
   * (a whole deployment shut down at once) must not hold this process up; counts it did not take are
   * reported, not waited for.
   */
  async stop(waitMs = 3_000): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), waitMs)));
    const late = await Promise.race([this.flush().then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) this.onError(new Error(`pull counts of ${this.unsent.reduce((n, b) => n + b.counts.length, 0)} repositories not recorded: metadata did not answer within ${waitMs} ms`));
  }

  flush(): Promise<void> {
    this.flushing ??= this.send()
      .catch((error: unknown) => this.onError(error))
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async send(): Promise<void> {
    if (!this.unsent.length) this.unsent = this.cut();
    while (this.unsent.length) {
      const [batch] = this.unsent;
      await this.metadata.call(RepositoryRpc.downloadsRecord, { batchId: batch.id, counts: batch.counts });
      this.unsent.shift();
    }
  }

  /** The pending tallies as batches of their own ids; pending starts afresh. */
  private cut(): Batch[] {
    const counts = [...this.pending].map(([repository, { count, bytes }]) => ({ repository, count, bytes }));
    this.pending = new Map();
    const batches: Batch[] = [];
    for (let i = 0; i < counts.length; i += BATCH) batches.push({ id: randomUUID(), counts: counts.slice(i, i + BATCH) });
    return batches;
  }

  private tally(repository: string): Tally {
    let tally = this.pending.get(repository);
    if (!tally) this.pending.set(repository, (tally = { count: 0, bytes: 0 }));
    return tally;
  }
}
