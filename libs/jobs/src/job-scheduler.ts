/** A recurring job: the handler runs every `everyMs`, on one replica at a time, retried on failure. */
export interface RecurringJob {
  readonly name: string;
  readonly everyMs: number;
  readonly run: () => Promise<void>;
  /** Tries per run, the first included (default {@link DEFAULT_JOB_ATTEMPTS}). */
  readonly attempts?: number;
}

export interface JobScheduler {
  /**
   * Schedules (or reschedules, idempotently across replicas and restarts) the job and starts running it here.
   * A new schedule's first run is due at once; rescheduling does not run the job again.
   */
  schedule(job: RecurringJob): Promise<void>;
  /** Runs a scheduled job once now (operators, tests); resolves when it has finished. */
  runNow(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A transient failure (a database failover, a dropped connection) gets two more chances. */
export const DEFAULT_JOB_ATTEMPTS = 3;

/** The wait before a failed run's first retry; each further retry waits twice as long as the one before. */
export const DEFAULT_JOB_BACKOFF_MS = 1_000;
