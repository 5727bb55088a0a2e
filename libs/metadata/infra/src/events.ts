import { DomainEventData, DomainEventType, RESOURCE_TYPES } from '@swr/contracts';
import { appendToOutbox, outboxTable } from '@swr/db';
import { domainEvent, EventResource } from '@swr/messaging';
import type { EntityManager } from 'typeorm';
import { METADATA_SCHEMA } from './migrations';

/** Records a domain event in the metadata outbox, in the transaction of the change it describes. */
export function recordEvent<T extends DomainEventType>(tx: EntityManager, type: T, resource: EventResource, data: DomainEventData<T>): Promise<void> {
  return appendToOutbox(tx, METADATA_SCHEMA, domainEvent(type, resource, data));
}

/** The metadata outbox, for statements that record their event in the same round trip as their change. */
export const METADATA_OUTBOX = outboxTable(METADATA_SCHEMA);

/** The outbox entry of an event, as such statements pass it (id, subject, payload). */
export function eventEntry<T extends DomainEventType>(type: T, resource: EventResource, data: DomainEventData<T>): [string, string, string] {
  const entry = domainEvent(type, resource, data);
  return [entry.id, entry.subject, entry.payload];
}

/** `organization/path` split as events carry it. */
export function repositoryParts(name: string): { organization: string; repository: string } {
  return { organization: name.slice(0, name.indexOf('/')), repository: name };
}

export const repositoryResource = (name: string, id?: string | number): EventResource =>
  id === undefined ? { type: RESOURCE_TYPES.repository, name } : { type: RESOURCE_TYPES.repository, name, id: String(id) };

export const imageResource = (repository: string, reference: string): EventResource => ({
  type: RESOURCE_TYPES.image,
  name: reference.includes(':') ? `${repository}@${reference}` : `${repository}:${reference}`,
});

export const tagResource = (repository: string, tag: string): EventResource => ({ type: RESOURCE_TYPES.imageTag, name: `${repository}:${tag}` });

export const blobResource = (repository: string, digest: string): EventResource => ({ type: RESOURCE_TYPES.blob, name: `${repository}@${digest}` });
