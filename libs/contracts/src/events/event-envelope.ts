import { z } from 'zod';

/** Every domain event travels on a subject under this prefix; the JetStream stream holds them all. */
export const EVENT_SUBJECT_PREFIX = 'swr.events';
export const EVENT_STREAM = 'SWR_EVENTS';

/** Who caused a state change: the signed-in caller, or the system itself (a worker, a schedule). */
export const eventActor = z.object({
  accountId: z.string().optional(),
  accountName: z.string().optional(),
  userId: z.string().optional(),
  userName: z.string().optional(),
  sourceIp: z.string().optional(),
  userAgent: z.string().optional(),
});
export type EventActor = z.infer<typeof eventActor>;

/**
 * One domain event as it is stored in an outbox and published: its id (also the JetStream message
 * id, so a republished event is dropped as a duplicate), type, time, actor, the resource it is
 * about, the outcome, and the type's own data.
 */
export const eventEnvelope = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z-]+(\.[a-z-]+)+$/),
  time: z.iso.datetime(),
  actor: eventActor,
  /** The gateway request that caused it, when one did. */
  requestId: z.string().max(64).optional(),
  /** `accountId`: the owning account, for events no caller made (the system's), whose trail they belong in. */
  resource: z.object({ type: z.string(), name: z.string(), id: z.string().optional(), accountId: z.string().optional() }),
  outcome: z.object({ code: z.number().int(), message: z.string().optional() }),
  data: z.record(z.string(), z.unknown()),
});
export type EventEnvelope = z.infer<typeof eventEnvelope>;

/** `image.pushed` travels on `swr.events.image.pushed`. */
export const eventSubject = (type: string) => `${EVENT_SUBJECT_PREFIX}.${type}`;

/** An event waiting in a service's outbox: its id, subject, and the envelope as JSON text (published byte for byte). */
export interface OutboxEntry {
  readonly id: string;
  readonly subject: string;
  readonly payload: string;
}

/**
 * What a watched outbox reports to its relay: a write committed, its listener (back) on the
 * outbox's channel (writes made while it was away went unannounced), or the listener lost.
 */
export type OutboxChange = 'written' | 'listening' | 'lost';

/**
 * Events a worker kind gave up on (it failed them `maxDeliver` times, or they were not valid
 * envelopes) are kept, payload untouched, in this stream, on `swr.dead-letters.<kind>`.
 */
export const DEAD_LETTER_STREAM = 'SWR_DEAD_LETTERS';
export const DEAD_LETTER_SUBJECT_PREFIX = 'swr.dead-letters';

/** What a dead letter's headers say about how it got there. */
export const DEAD_LETTER_HEADERS = {
  /** The last error, on one line. */
  error: 'Swr-Error',
  originalSubject: 'Swr-Original-Subject',
  /** The event's sequence in the event stream. */
  originalSequence: 'Swr-Original-Sequence',
  /** The event id, when the payload was a valid envelope. */
  eventId: 'Swr-Event-Id',
  /** The worker kind (durable consumer) that gave up. */
  consumer: 'Swr-Consumer',
  deliveries: 'Swr-Deliveries',
} as const;

/** A worker kind's name is one subject token and a JetStream durable name. */
const CONSUMER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless `durable` can name a worker kind. */
export function assertConsumerName(durable: string): void {
  if (!CONSUMER_NAME.test(durable)) throw new Error(`invalid consumer name "${durable}": use 1 to 64 letters, digits, "-" or "_"`);
}

/** The dead letters of worker kind `audit` travel on `swr.dead-letters.audit`. */
export function deadLetterSubject(durable: string): string {
  assertConsumerName(durable);
  return `${DEAD_LETTER_SUBJECT_PREFIX}.${durable}`;
}
