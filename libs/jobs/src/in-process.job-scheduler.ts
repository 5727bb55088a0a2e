import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_JOB_ATTEMPTS, DEFAULT_JOB_BACKOFF_MS, JobScheduler, RecurringJob } from './job-scheduler';

export interface InProcessJobSchedulerOptions {
  /** Delay before a failed run's first retry (default {@link DEFAULT_JOB_BACKOFF_MS}), doubled for each next one. */
  readonly backoffMs?: number;
  /** A scheduled run failed all its attempts; the job stays scheduled. */
  readonly onError?: (error: unknown, job: string) => void;
}

interface ScheduledJob {
  job: RecurringJob;
  timer?: NodeJS.Timeout;
  /** The run going on (or queued behind it), so that two runs of one job never overlap. */
  running?: Promise<void>;
}

/** Runs recurring jobs on timers in this process: standalone mode, a single replica and no Redis. */
export class InProcessJobScheduler implements JobScheduler {
  private readonly jobs = new Map<string, ScheduledJob>();
  // Cuts retry back-offs short on close, so a failing job does not hold up shutdown.
  private readonly closing = new AbortController();

  constructor(private readonly options: InProcessJobSchedulerOptions = {}) {}

  async schedule(job: RecurringJob): Promise<void> {
    const scheduled = this.jobs.get(job.name);
    // Rescheduling keeps the entry, and with it the guard against overlapping a run going on.
    const entry = scheduled ?? { job };
    clearInterval(entry.timer);
    entry.job = job;
    // Unref'd: a schedule alone does not keep the process alive.
    entry.timer = setInterval(() => this.onDue(entry), job.everyMs).unref();
    this.jobs.set(job.name, entry);
    if (!scheduled) this.onDue(entry);
  }

  async runNow(name: string): Promise<void> {
    const entry = this.jobs.get(name);
    if (!entry) throw new Error(`No job named "${name}" is scheduled`);
    await this.run(entry);
  }

  async close(): Promise<void> {
    for (const entry of this.jobs.values()) clearInterval(entry.timer);
    this.closing.abort();
    await Promise.allSettled([...this.jobs.values()].map((entry) => entry.running));
  }

  private onDue(entry: ScheduledJob): void {
    // Still running when the next run is due: that occurrence is skipped rather than piled up.
    if (entry.running) return;
    this.run(entry).catch((error: unknown) => this.options.onError?.(error, entry.job.name));
  }

  /** Runs the job once the run going on (if any) has finished. */
  private run(entry: ScheduledJob): Promise<void> {
    const run = (entry.running ?? Promise.resolve()).catch(() => undefined).then(() => this.attempt(entry.job));
    entry.running = run;
    const settled = () => {
      if (entry.running === run) entry.running = undefined;
    };
    run.then(settled, settled);
    return run;
  }

  private async attempt(job: RecurringJob): Promise<void> {
    const attempts = job.attempts ?? DEFAULT_JOB_ATTEMPTS;
    const backoffMs = this.options.backoffMs ?? DEFAULT_JOB_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await job.run();
      } catch (error) {
        if (attempt >= attempts) throw error;
        try {
          await sleep(backoffMs * 2 ** (attempt - 1), undefined, { signal: this.closing.signal });
        } catch {
          throw error; // closed while waiting to retry: the run ends with its own failure
        }
      }
    }
  }
}
