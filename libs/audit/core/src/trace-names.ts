import type { DomainEventType, EventEnvelope } from '@swr/contracts';

type Namer = (event: EventEnvelope) => string;

const byVerb = (verb: string): Namer => (event) => `${verb}${(event.data.scope as { repository?: string } | undefined)?.repository ? 'UserRepositoryAuth' : 'UserNamespaceAuth'}`;

/**
 * The trace name of each event type: Cloud Trace Service's key-operation names for SWR where it has
 * them (the management API's), `pushImage`-style names for registry writes, and IAM-style names for
 * sign-ins and identities. A gateway record carries the name of the operation it answered.
 */
const TRACE_NAMES: Record<DomainEventType, string | Namer> = {
  'image.pushed': 'pushImage',
  'manifest.deleted': 'deleteImage',
  'tag.created': 'createImageTag',
  'tag.deleted': 'deleteImageTag',
  'blob.uploaded': 'uploadBlob',
  'blob.mounted': 'mountBlob',
  'blob.deleted': 'deleteBlob',
  'repository.created': 'createImageRepository',
  'repository.updated': 'updateImageRepository',
  'repository.deleted': 'deleteImageRepository',
  'repository.pulled': 'pullImage',
  'organization.created': 'createUserNamespace',
  'organization.deleted': 'deleteUserNamespace',
  'permission.granted': byVerb('create'),
  'permission.changed': byVerb('update'),
  'permission.revoked': byVerb('delete'),
  'share.created': 'createImageRepositoryAccessDomain',
  'share.changed': 'updateImageRepositoryAccessDomain',
  'share.deleted': 'deleteImageRepositoryAccessDomain',
  'login-command.issued': 'createDockerConfig',
  'login.succeeded': 'login',
  'login.failed': 'login',
  'access-key.created': 'createAccessKey',
  'access-key.changed': 'updateAccessKey',
  'access-key.deleted': 'deleteAccessKey',
  'user.created': 'createUser',
  'user.updated': 'updateUser',
  'user.deleted': 'deleteUser',
  'account.created': 'createDomain',
  'account.updated': 'updateDomain',
  'trigger.created': 'createTrigger',
  'trigger.updated': 'updateTrigger',
  'trigger.deleted': 'deleteTrigger',
  'trigger.redelivery-requested': 'redeliverTrigger',
  'retention.created': 'createRetention',
  'retention.updated': 'updateRetention',
  'retention.deleted': 'deleteRetention',
  'sync-rule.created': 'createSyncRepo',
  'sync-rule.deleted': 'deleteSyncRepo',
  'sync.requested': 'createManualSyncRepo',
  'sync.finished': 'syncImage',
  'call.answered': (event) => String(event.data.operation),
};

/** The trace name of an event; an event type this release does not know keeps its own name. */
export function traceNameOf(event: EventEnvelope): string {
  const name = TRACE_NAMES[event.type as DomainEventType];
  if (name === undefined) return event.type;
  return typeof name === 'string' ? name : name(event);
}
