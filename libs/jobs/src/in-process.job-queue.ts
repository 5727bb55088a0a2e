import { assertJobId, DEFAULT_JOB_CONCURRENCY, GiveUp, JobQueue, JobQueueSettings, QueuedJob, retryDelayMs } from './job-queue';

interface PendingJob<T> {
  readonly id: string;
  readonly data: T;
  readonly attempt: number;
}

/**
 * One-off jobs in this process's memory: standalone mode, a single replica and no Redis. Ids are remembered
 * for the life of the process; jobs not handled yet (or waiting to retry) are lost with it.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  private readonly added = new Set<string>();
  /** Jobs due, first come first handled. */
  private readonly due: PendingJob<T>[] = [];
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private handler?: (job: QueuedJob<T>) => Promise<void>;
  private closed = false;

  constructor(private readonly settings: JobQueueSettings) {}

  async add(id: string, data: T): Promise<boolean> {
    assertJobId(id);
    if (this.closed) throw new Error('The job queue is closed');
    if (this.added.has(id)) return false;
    this.added.add(id);
    this.due.push({ id, data, attempt: 1 });
    this.startDueJobs();
    return true;
  }

  process(handler: (job: QueuedJob<T>) => Promise<void>): void {
    if (this.handler) throw new Error('Jobs of this queue are already handled by this instance');
    this.handler = handler;
    this.startDueJobs();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.allSettled([...this.running]);
  }

  private startDueJobs(): void {
    const concurrency = this.settings.concurrency ?? DEFAULT_JOB_CONCURRENCY;
    while (this.handler && !this.closed && this.running.size < concurrency && this.due.length > 0) {
      const job = this.due.shift() as PendingJob<T>;
      const run = this.handle(job, this.handler).finally(() => {
        this.running.delete(run);
        this.startDueJobs();
      });
      this.running.add(run);
    }
  }

  /** One try of the job; never rejects. */
  private async handle(job: PendingJob<T>, handler: (job: QueuedJob<T>) => Promise<void>): Promise<void> {
    const { attempts } = this.settings;
    try {
      await handler({ ...job, attempts });
    } catch (error) {
      if (error instanceof GiveUp || job.attempt >= attempts) {
        this.settings.onError?.(error, job.id);
        return;
      }
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.due.push({ ...job, attempt: job.attempt + 1 });
        this.startDueJobs();
      }, retryDelayMs(this.settings, job.attempt, error));
      // Unref'd: a retry waiting alone does not keep the process alive.
      timer.unref();
      this.retryTimers.add(timer);
    }
  }
}
