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
  type: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/),
  time: z.iso.datetime(),
  actor: eventActor,
  resource: z.object({ type: z.string(), name: z.string(), id: z.string().optional() }),
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
