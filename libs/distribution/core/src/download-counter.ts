import { RepositoryRpc, RpcClient } from '@swr/contracts';

const BATCH = 1_000;

interface Tally {
  count: number;
  bytes: number;
}

/**
 * Pull counts and the bytes served to pulls, without a database write on the pull path: counted
 * in memory per repository and added to the metadata service in one batch every few seconds (and
 * once more on shutdown). A failed flush keeps its counts for the next one.
 */
export class DownloadCounter {
  private pending = new Map<string, Tally>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly metadata: RpcClient,
    private readonly intervalMs = 2_000,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** A pull: one manifest GET. */
  count(repository: string): void {
    this.tally(repository).count += 1;
  }

  /** Bytes a pull was served (a manifest or a blob, whole or a range). */
  served(repository: string, bytes: number): void {
    this.tally(repository).bytes += bytes;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.pending.size) return;
    const batch = this.pending;
    this.pending = new Map();
    const counts = [...batch].map(([repository, { count, bytes }]) => ({ repository, count, bytes }));
    const send = async () => {
      for (let i = 0; i < counts.length; i += BATCH) await this.metadata.call(RepositoryRpc.downloadsRecord, { counts: counts.slice(i, i + BATCH) });
    };
    this.flushing = send()
      .then(
        () => undefined,
        (error) => {
          for (const [repository, { count, bytes }] of batch) {
            const tally = this.tally(repository);
            tally.count += count;
            tally.bytes += bytes;
          }
          this.onError(error);
        },
      )
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private tally(repository: string): Tally {
    let tally = this.pending.get(repository);
    if (!tally) this.pending.set(repository, (tally = { count: 0, bytes: 0 }));
    return tally;
  }
}
