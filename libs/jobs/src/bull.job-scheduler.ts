import { Job, JobSchedulerTemplateOptions, Queue, QueueEvents, Worker } from 'bullmq';
import { bullJobCounts, CountedQueue, JobCounts } from './job-counts';
import { DEFAULT_JOB_ATTEMPTS, DEFAULT_JOB_BACKOFF_MS, JobScheduler, RecurringJob } from './job-scheduler';

export interface BullJobSchedulerOptions {
  readonly redisUrl: string;
  /** The BullMQ queue that every replica of a service shares, e.g. `swr-audit`. */
  readonly queue: string;
  /** Namespaces the queue's Redis keys (BullMQ's default is `bull`). */
  readonly prefix?: string;
  /** Delay before a failed run's first retry (default {@link DEFAULT_JOB_BACKOFF_MS}), doubled for each next one. */
  readonly backoffMs?: number;
  /** A scheduled run failed all its attempts (`job` is set), or Redis failed; the scheduler keeps going. */
  readonly onError?: (error: unknown, job?: string) => void;
}

/**
 * Recurring jobs on a BullMQ queue in Redis. The schedule lives in Redis under the job's name, so every
 * replica (and every restart) upserting it leaves one schedule; each replica's worker takes runs from the
 * queue, so a run happens on exactly one of them. The runs of one queue's jobs go one at a time (see
 * `schedule`): give a job that must not wait behind another a queue of its own.
 */
export class BullJobScheduler implements JobScheduler, CountedQueue {
  private readonly jobs = new Map<string, RecurringJob>();
  private readonly queue: Queue;
  private readonly worker: Worker;
  /** Opened by the first `runNow`: only a replica waiting for a run needs to follow the queue's events. */
  private events?: QueueEvents;

  constructor(private readonly options: BullJobSchedulerOptions) {
    this.queue = new Queue(options.queue, this.connectionOptions());
    this.worker = new Worker(options.queue, (job) => this.process(job), { ...this.connectionOptions(), concurrency: 1 });
    const reportError = (error: Error) => options.onError?.(error);
    // An 'error' event without a listener would throw and take the process down.
    this.queue.on('error', reportError);
    this.worker.on('error', reportError);
    this.worker.on('failed', (job, error) => {
      // finishedOn is set only once no retry is left; runNow's callers get their failure themselves.
      if (job?.repeatJobKey && job.finishedOn) options.onError?.(error, job.name);
    });
  }

  async schedule(job: RecurringJob): Promise<void> {
    this.jobs.set(job.name, job);
    // One run at a time in the queue, across replicas: BullMQ queues a schedule's next run as soon as
    // one starts, so a run slower than its interval would otherwise meet the next on another replica.
    await this.queue.setGlobalConcurrency(1);
    await this.queue.upsertJobScheduler(job.name, { every: job.everyMs }, { name: job.name, opts: this.jobOptions(job) });
  }

  async runNow(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named "${name}" is scheduled on queue ${this.options.queue}`);
    this.events ??= this.openEvents();
    const run = await this.queue.add(name, {}, this.jobOptions(job));
    await run.waitUntilFinished(this.events);
  }

  get queueName(): string {
    return this.options.queue;
  }

  counts(): Promise<JobCounts> {
    return bullJobCounts(this.queue);
  }

  async close(): Promise<void> {
    // The worker first: it lets a run going on finish and takes no new one.
    await this.worker.close();
    await Promise.all([this.events?.close(), this.queue.close()]);
  }

  private async process(run: Job): Promise<void> {
    const job = this.jobs.get(run.name);
    // A plain (retried) error: a replica still starting may not have scheduled this job yet, another may have.
    if (!job) throw new Error(`No handler for job "${run.name}" of queue ${this.options.queue} in this process`);
    await job.run();
  }

  private openEvents(): QueueEvents {
    const events = new QueueEvents(this.options.queue, this.connectionOptions());
    events.on('error', (error) => this.options.onError?.(error));
    return events;
  }

  private connectionOptions() {
    // BullMQ needs ioredis to retry a worker's blocking commands for ever; the queue waits out a Redis restart alike.
    return { connection: { url: this.options.redisUrl, maxRetriesPerRequest: null }, prefix: this.options.prefix };
  }

  private jobOptions(job: RecurringJob): JobSchedulerTemplateOptions {
    return {
      attempts: job.attempts ?? DEFAULT_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? DEFAULT_JOB_BACKOFF_MS },
      // Recent runs stay for operators to look at; older ones go rather than fill Redis.
      removeOnComplete: { count: 100 },
      removeOnFail: { count: 500 },
    };
  }
}
