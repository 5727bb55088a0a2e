import { DOMAIN_EVENTS, DomainEventData, DomainEventType, EventEnvelope, eventSubject, OutboxEntry } from '@swr/contracts';
import { randomUUID } from 'node:crypto';
import { currentCall } from './call-context';

export interface EventResource {
  readonly type: string;
  readonly name: string;
  readonly id?: string;
  /** The owning account, named when the event has no caller to attribute it to. */
  readonly accountId?: string;
}

export interface EventDetails {
  /** Who acted, when the call context cannot tell (a sign-in names its user only once it succeeded). */
  readonly actor?: EventEnvelope['actor'];
  /** How it ended, when not with the call's success (a refused sign-in is recorded all the same). */
  readonly outcome?: EventEnvelope['outcome'];
}

/**
 * A domain event of the current call, ready for an outbox: the actor and request come from the
 * call context (none for the system's own work), the outcome is the call's success status.
 */
export function domainEvent<T extends DomainEventType>(type: T, resource: EventResource, data: DomainEventData<T>, details: EventDetails = {}): OutboxEntry {
  const call = currentCall();
  const envelope: EventEnvelope = {
    id: randomUUID(),
    type,
    time: new Date().toISOString(),
    actor: { ...call?.actor, ...details.actor },
    ...(call ? { requestId: call.requestId } : {}),
    resource: Object.fromEntries(Object.entries(resource).filter(([, value]) => value !== undefined)) as EventEnvelope['resource'],
    outcome: details.outcome ?? { code: call?.successCode ?? 200 },
    data: DOMAIN_EVENTS[type].parse(data) as Record<string, unknown>,
  };
  return { id: envelope.id, subject: eventSubject(type), payload: JSON.stringify(envelope) };
}
