import { RepositoryRpc, RpcClient } from '@swr/contracts';

const BATCH = 1_000;

/**
 * Pull counts without a database write on the pull path: counted in memory per repository and
 * added to the metadata service in one batch every few seconds (and once more on shutdown). A
 * failed flush keeps its counts for the next one.
 */
export class DownloadCounter {
  private pending = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly metadata: RpcClient,
    private readonly intervalMs = 2_000,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  count(repository: string): void {
    this.pending.set(repository, (this.pending.get(repository) ?? 0) + 1);
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
    const counts = [...batch].map(([repository, count]) => ({ repository, count }));
    const send = async () => {
      for (let i = 0; i < counts.length; i += BATCH) await this.metadata.call(RepositoryRpc.downloadsRecord, { counts: counts.slice(i, i + BATCH) });
    };
    this.flushing = send()
      .then(
        () => undefined,
        (error) => {
          for (const [repository, count] of batch) this.pending.set(repository, (this.pending.get(repository) ?? 0) + count);
          this.onError(error);
        },
      )
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }
}
