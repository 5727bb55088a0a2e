import { DomainEventData, DomainEventType } from '@swr/contracts';
import { appendToOutbox, outboxTable } from '@swr/db';
import { domainEvent, EventDetails, EventResource } from '@swr/messaging';
import type { EntityManager } from 'typeorm';
import { IAM_SCHEMA } from './migrations';

export const IAM_OUTBOX = outboxTable(IAM_SCHEMA);

/** Records a domain event in the IAM outbox, in the transaction of the change it describes. */
export function recordEvent<T extends DomainEventType>(
  tx: EntityManager,
  type: T,
  resource: EventResource,
  data: DomainEventData<T>,
  details?: EventDetails,
): Promise<void> {
  return appendToOutbox(tx, IAM_SCHEMA, domainEvent(type, resource, data, details));
}
