import { Job, JobsOptions, Queue, UnrecoverableError, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { bullJobCounts, CountedQueue, JobCounts } from './job-counts';
import { assertJobId, DEFAULT_JOB_CONCURRENCY, GiveUp, JobQueue, JobQueueSettings, QueuedJob, retryDelayMs } from './job-queue';

export interface BullJobQueueOptions extends JobQueueSettings {
  readonly redisUrl: string;
  /** The BullMQ queue that every replica of a service shares, e.g. `swr-webhook-deliveries`. */
  readonly queue: string;
  /** Namespaces the queue's Redis keys (BullMQ's default is `bull`). */
  readonly prefix?: string;
  /**
   * How long a job stays taken by a worker that stopped renewing its lock (default {@link DEFAULT_JOB_LOCK_MS}),
   * and how often each worker looks for such jobs: a job whose process was killed mid-job is handled again
   * by another replica (or the restarted one) about one to two `lockMs` later. Workers renew their locks every
   * half of it, so a handler that blocks the event loop for longer loses its job to another replica.
   */
  readonly lockMs?: number;
}

export const DEFAULT_JOB_LOCK_MS = 30_000;

/**
 * Finished jobs are kept this long, so that re-adding an id within it is refused (BullMQ keys a job by its
 * id only while the job is kept); they go after it rather than fill Redis.
 */
export const JOB_DEDUPE_WINDOW_MS = 7 * 24 * 60 * 60 * 1_000;

/** What a job holds in Redis: the caller's id as given (the BullMQ job id is escaped), and the adding call's mark. */
interface StoredJob<T> {
  readonly id: string;
  readonly data: T;
  /** Tells the `add` call that stored the job from one that found it there already. */
  readonly addedBy: string;
}

/**
 * One-off jobs on a BullMQ queue in Redis. Every replica's worker takes jobs from the queue under a lock it
 * keeps renewing, so a job is handled by one replica at a time; a job whose replica died is taken again once
 * its lock has run out (see `lockMs`). Retries wait in BullMQ's delayed set, on the backoff of
 * {@link retryDelayMs}.
 */
export class BullJobQueue<T> implements JobQueue<T>, CountedQueue {
  private readonly queue: Queue<StoredJob<T>>;
  private worker?: Worker<StoredJob<T>>;

  constructor(private readonly options: BullJobQueueOptions) {
    this.queue = new Queue<StoredJob<T>>(options.queue, this.connectionOptions());
    // An 'error' event without a listener would throw and take the process down.
    this.queue.on('error', (error) => options.onError?.(error));
  }

  async add(id: string, data: T): Promise<boolean> {
    assertJobId(id);
    const addedBy = randomUUID();
    const jobId = toBullJobId(id);
    // BullMQ answers a duplicate id with the job it already holds, unchanged: whether this call stored the
    // job shows in the stored mark (a look before adding would race with a replica adding the same id).
    await this.queue.add(this.options.queue, { id, data, addedBy }, this.jobOptions(jobId));
    const stored = await this.queue.getJob(jobId);
    return stored?.data.addedBy === addedBy;
  }

  process(handler: (job: QueuedJob<T>) => Promise<void>): void {
    if (this.worker) throw new Error(`Jobs of queue ${this.options.queue} are already handled by this instance`);
    const lockMs = this.options.lockMs ?? DEFAULT_JOB_LOCK_MS;
    this.worker = new Worker<StoredJob<T>>(this.options.queue, (job) => this.handle(job, handler), {
      ...this.connectionOptions(),
      concurrency: this.options.concurrency ?? DEFAULT_JOB_CONCURRENCY,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A try cut short by a crash is not one of the job's attempts; a job that keeps killing its
      // process is nonetheless failed after as many crashes as it has tries.
      maxStalledCount: this.options.attempts,
      settings: { backoffStrategy: (failedAttempts, _type, error) => retryDelayMs(this.options, failedAttempts, error) },
    });
    this.worker.on('error', (error) => this.options.onError?.(error));
    this.worker.on('failed', (job, error) => {
      // finishedOn is set only once no retry is left.
      if (job?.finishedOn) this.options.onError?.(error, job.data.id);
    });
  }

  get queueName(): string {
    return this.options.queue;
  }

  counts(): Promise<JobCounts> {
    return bullJobCounts(this.queue);
  }

  async close(): Promise<void> {
    // The worker first: it lets the handlers running finish, and takes no new job.
    await this.worker?.close();
    await this.queue.close();
  }

  private async handle(job: Job<StoredJob<T>>, handler: (job: QueuedJob<T>) => Promise<void>): Promise<void> {
    try {
      await handler({ id: job.data.id, data: job.data.data, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? this.options.attempts });
    } catch (error) {
      if (error instanceof GiveUp) throw new UnrecoverableError(error.message);
      // RetryLater goes through as it is: the backoff strategy reads its delay.
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  private jobOptions(jobId: string): JobsOptions {
    const keep = { age: Math.ceil(JOB_DEDUPE_WINDOW_MS / 1_000) };
    return { jobId, attempts: this.options.attempts, backoff: { type: 'custom' }, removeOnComplete: keep, removeOnFail: keep };
  }

  private connectionOptions() {
    // BullMQ needs ioredis to retry a worker's blocking commands for ever; the queue waits out a Redis restart alike.
    return { connection: { url: this.options.redisUrl, maxRetriesPerRequest: null }, prefix: this.options.prefix };
  }
}

/**
 * The BullMQ job id for a job id: BullMQ refuses ids with ':' and ids that read as integers. '%' and ':' are
 * escaped as in URLs and an integer-like id is marked with "%N" (which no escape starts with), so that two
 * ids never share a BullMQ id.
 */
export function toBullJobId(id: string): string {
  const escaped = id.replace(/%/g, '%25').replace(/:/g, '%3A');
  return `${parseInt(escaped, 10)}` === escaped ? `%N${escaped}` : escaped;
}
