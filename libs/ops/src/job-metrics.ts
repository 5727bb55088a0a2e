import type { CountedQueue, JobQueue, JobScheduler, QueuedJob, RecurringJob } from '@swr/jobs';
import { secondsSince, type LatencyHistogram } from './latency-histogram';
import type { Metrics } from './metrics';
import { sharedRead } from './shared-read';

type JobDuration = LatencyHistogram<'queue' | 'outcome'>;

/**
 * The process's job metrics: each try's duration by queue and outcome (ok | failed), and at each
 * scrape the jobs waiting and running in every queue it watches (shared queues: the counts are
 * every replica's). One per process; a queue that cannot be counted is left out of that scrape.
 */
export class JobMetrics {
  private readonly watched: CountedQueue[] = [];
  private readonly duration: JobDuration;

  constructor(metrics: Metrics) {
    this.duration = metrics.histogram('swr_job_duration_seconds', 'Job tries by queue and outcome (ok | failed), until the handler finished', ['queue', 'outcome']);
    const read = sharedRead(() => Promise.all(this.watched.map((queue) => queue.counts().then((counts) => ({ queue: queue.queueName, ...counts }), () => undefined))));
    metrics.gauge('swr_jobs_waiting', 'Jobs ready to run and waiting for a worker, by queue', ['queue'], async (gauge) => {
      gauge.reset();
      for (const counts of await read()) if (counts) gauge.set({ queue: counts.queue }, counts.waiting);
    });
    metrics.gauge('swr_jobs_active', 'Jobs being handled now, by queue', ['queue'], async (gauge) => {
      gauge.reset();
      for (const counts of await read()) if (counts) gauge.set({ queue: counts.queue }, counts.active);
    });
  }

  /** The queue, its tries timed and its jobs counted. */
  queue<T>(queue: JobQueue<T> & CountedQueue): JobQueue<T> {
    this.watched.push(queue);
    return new MeasuredJobQueue(queue, queue.queueName, this.duration);
  }

  /** The scheduler, its runs' tries timed and its queue counted. */
  scheduler(scheduler: JobScheduler & CountedQueue): JobScheduler {
    this.watched.push(scheduler);
    return new MeasuredJobScheduler(scheduler, scheduler.queueName, this.duration);
  }
}

async function timed(duration: JobDuration, queue: string, run: () => Promise<void>): Promise<void> {
  const started = performance.now();
  try {
    await run();
    duration.of(queue, 'ok').observe(secondsSince(started));
  } catch (error) {
    duration.of(queue, 'failed').observe(secondsSince(started));
    throw error;
  }
}

/** A job queue whose handler's tries are timed. */
export class MeasuredJobQueue<T> implements JobQueue<T> {
  constructor(
    private readonly inner: JobQueue<T>,
    private readonly name: string,
    private readonly duration: JobDuration,
  ) {}

  add(id: string, data: T): Promise<boolean> {
    return this.inner.add(id, data);
  }

  process(handler: (job: QueuedJob<T>) => Promise<void>): void {
    this.inner.process((job) => timed(this.duration, this.name, () => handler(job)));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A job scheduler whose jobs' runs are timed, each try on its own. */
export class MeasuredJobScheduler implements JobScheduler {
  constructor(
    private readonly inner: JobScheduler,
    private readonly name: string,
    private readonly duration: JobDuration,
  ) {}

  schedule(job: RecurringJob): Promise<void> {
    return this.inner.schedule({ ...job, run: () => timed(this.duration, this.name, job.run) });
  }

  runNow(name: string): Promise<void> {
    return this.inner.runNow(name);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
