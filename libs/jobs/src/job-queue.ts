/** One job as its handler sees it. */
export interface QueuedJob<T> {
  readonly id: string;
  readonly data: T;
  /** 1 for the first try. */
  readonly attempt: number;
  /** Tries in all, the first included: the last try has `attempt === attempts`. */
  readonly attempts: number;
}

/** Thrown by a handler: try again, after `delayMs` when given (e.g. a Retry-After), else after the queue's backoff. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';

  constructor(
    message: string,
    readonly delayMs?: number,
  ) {
    super(message);
  }
}

/** Thrown by a handler: do not try again (e.g. a 4xx answer). */
export class GiveUp extends Error {
  override readonly name = 'GiveUp';
}

export interface JobQueueSettings {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** The first retry's delay; it doubles with each retry, with full jitter (random between half and full), capped at `maxBackoffMs`. */
  readonly backoffMs: number;
  /** The longest backoff between two tries (default {@link DEFAULT_MAX_BACKOFF_MS}); a RetryLater's own delay is not capped. */
  readonly maxBackoffMs?: number;
  /** Jobs handled at once by this process (default {@link DEFAULT_JOB_CONCURRENCY}). */
  readonly concurrency?: number;
  /** A job failed for good (its last try failed, or it gave up; `jobId` is set), or the queue's connection failed: for logs, the queue keeps going. */
  readonly onError?: (error: unknown, jobId?: string) => void;
}

/** One-off jobs (webhook deliveries, say), each handled until it succeeds, gives up or runs out of tries. */
export interface JobQueue<T> {
  /** Adds a job unless one with this id was ever added (ids make re-adding idempotent); true when added. Resolves once the job is stored. */
  add(id: string, data: T): Promise<boolean>;
  /**
   * Starts handling jobs here (several processes may each call it: every job is handled by one of them at a time).
   * Any error other than GiveUp counts as RetryLater without a delay.
   */
  process(handler: (job: QueuedJob<T>) => Promise<void>): void;
  /** Stops taking jobs, and resolves once the handlers running here have finished. */
  close(): Promise<void>;
}

export const DEFAULT_JOB_CONCURRENCY = 10;

/** Doubling from a one-second backoff reaches an hour after a dozen retries: an endpoint down for longer is still tried hourly. */
export const DEFAULT_MAX_BACKOFF_MS = 60 * 60 * 1_000;

/** The longest delay a Node timer takes (about 24.8 days); a longer one would fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * How long to wait before trying a job again after its `failedAttempts`-th try failed with `error`: the
 * RetryLater's own delay when it gives one, else the settings' backoff doubled per retry, capped, and
 * jittered (uniformly between half and all of it) so that jobs failing together do not retry together.
 */
export function retryDelayMs(settings: JobQueueSettings, failedAttempts: number, error: unknown, random: () => number = Math.random): number {
  if (error instanceof RetryLater && error.delayMs !== undefined && Number.isFinite(error.delayMs)) {
    return Math.min(Math.max(0, Math.ceil(error.delayMs)), LONGEST_TIMER_MS);
  }
  const cap = Math.min(settings.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS, LONGEST_TIMER_MS);
  const backoff = Math.min(settings.backoffMs * 2 ** (failedAttempts - 1), cap);
  return Math.round(backoff / 2 + (random() * backoff) / 2);
}

/** Refuses an id that cannot name a job: both adapters key jobs by id, and BullMQ picks its own id for an empty one. */
export function assertJobId(id: string): void {
  if (typeof id !== 'string' || id === '') throw new Error(`A job id must be a non-empty string, got ${JSON.stringify(id)}`);
}
