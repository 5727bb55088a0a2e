import type { EventEnvelope } from '@swr/contracts';

export { DEAD_LETTER_STREAM, deadLetterSubject } from '@swr/contracts';

/**
 * What a worker does with events. Must be idempotent: an event can arrive again after a crash (claim
 * the ids with `claimEvents` in the transaction that writes the effects). Resolves once its effects
 * are committed; a rejection means none of the batch counts as handled.
 */
export interface EventHandler {
  handle(events: readonly EventEnvelope[]): Promise<void>;
}

export interface ConsumerSettings {
  /** The worker kind: the durable consumer's name. Replicas of a kind share it, so each event is handled once per kind. */
  readonly durable: string;
  /** The most events one `handle()` call gets (default 256). */
  readonly batchSize?: number;
  /** Deliveries of an event before it is dead-lettered (default 5). */
  readonly maxDeliver?: number;
  /** The wait before the next attempt after the 1st, 2nd, … failed one; the last entry repeats (default 1 s, 5 s, 15 s, 60 s). */
  readonly backoffMs?: readonly number[];
  /** Every failure of a handler (with the event when one was handled alone) and every dead letter ({@link DeadLetteredError}). */
  readonly onError?: (error: unknown, event?: EventEnvelope) => void;
}

/** Told what a consumer does with its deliveries, for metrics; it must not throw. */
export interface ConsumerObserver {
  /** Deliveries a handler took (`ok`) or failed (`error`; so are those given up on unhandled: a payload that is no event, one that never finished). */
  handled(outcome: 'ok' | 'error', deliveries: number): void;
  /** A delivery of an event offered before (after a failure, or a replica that went away with it). */
  redelivered(): void;
}

/** A worker kind's subscription to the events; the same worker code takes the JetStream or the in-process one. */
export interface EventConsumer {
  /** Starts handing events to `handler`; once only. */
  start(handler: EventHandler): Promise<void>;
  /** Stops taking events, lets the batch being handled finish, and leaves the rest for other replicas or the next start. */
  stop(): Promise<void>;
}

export const DEFAULT_BATCH_SIZE = 256;
export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS: readonly number[] = [1_000, 5_000, 15_000, 60_000];

/** The settings with their defaults filled in, checked. */
export function consumerDefaults(settings: ConsumerSettings): Required<Omit<ConsumerSettings, 'onError'>> & Pick<ConsumerSettings, 'onError'> {
  const resolved = {
    durable: settings.durable,
    batchSize: settings.batchSize ?? DEFAULT_BATCH_SIZE,
    maxDeliver: settings.maxDeliver ?? DEFAULT_MAX_DELIVER,
    backoffMs: settings.backoffMs?.length ? settings.backoffMs : DEFAULT_BACKOFF_MS,
    onError: settings.onError,
  };
  if (!Number.isInteger(resolved.batchSize) || resolved.batchSize < 1) throw new Error(`batchSize must be a positive integer, not ${resolved.batchSize}`);
  if (!Number.isInteger(resolved.maxDeliver) || resolved.maxDeliver < 1) throw new Error(`maxDeliver must be a positive integer, not ${resolved.maxDeliver}`);
  if (resolved.backoffMs.some((ms) => !(ms >= 0))) throw new Error('backoffMs must hold non-negative delays');
  return resolved;
}

/** The wait before the attempt after failed attempt number `attempt` (1-based). */
export function backoffDelay(backoffMs: readonly number[], attempt: number): number {
  return backoffMs[Math.min(Math.max(attempt, 1), backoffMs.length) - 1];
}

/** Reported through `onError` when a worker kind gives up on an event (or on a payload that is no event). */
export class DeadLetteredError extends Error {
  override readonly name = 'DeadLetteredError';
  constructor(
    readonly durable: string,
    readonly deliveries: number,
    readonly reason: unknown,
  ) {
    super(`${durable} gave up after ${deliveries} deliveries: ${describeError(reason)}`);
  }
}

/** An error on one line, for logs and message headers. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/[\r\n]+/g, ' ').slice(0, 1_000);
}
