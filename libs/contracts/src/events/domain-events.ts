import { z } from 'zod';

const inRepository = { organization: z.string(), repository: z.string() };
const grant = z.object({ userId: z.string(), userName: z.string().optional(), level: z.number().int().optional() });
const grantScope = z.object({ organization: z.string(), repository: z.string().optional() });
const share = { repository: z.string(), accessDomain: z.string(), permit: z.string().optional(), deadline: z.string().optional() };
const login = { subject: z.string(), method: z.enum(['password', 'access-key', 'temporary-secret', 'api-token', 'anonymous']) };

/**
 * Every state change the registry records, by event type, with the data each carries. Producers
 * build events from this table and consumers read them by it; a type missing here cannot be sent.
 */
export const DOMAIN_EVENTS = {
  'image.pushed': z.object({ ...inRepository, tag: z.string().optional(), digest: z.string(), mediaType: z.string(), size: z.number().int() }),
  'manifest.deleted': z.object({ ...inRepository, digest: z.string() }),
  'tag.created': z.object({ ...inRepository, tag: z.string(), digest: z.string() }),
  'tag.deleted': z.object({ ...inRepository, tag: z.string(), digest: z.string().optional() }),
  'blob.uploaded': z.object({ ...inRepository, digest: z.string(), size: z.number().int() }),
  'blob.mounted': z.object({ ...inRepository, digest: z.string(), size: z.number().int(), from: z.string() }),
  'blob.deleted': z.object({ ...inRepository, digest: z.string() }),
  'repository.created': z.object({ ...inRepository, isPublic: z.boolean(), category: z.string(), description: z.string(), byPush: z.boolean() }),
  'repository.updated': z.object({ ...inRepository, isPublic: z.boolean(), category: z.string(), description: z.string() }),
  'repository.deleted': z.object({ ...inRepository }),
  /** Pulls are counted, not evented one by one: one event per repository per counting interval. */
  'repository.pulled': z.object({ ...inRepository, count: z.number().int() }),
  'organization.created': z.object({ organization: z.string(), byPush: z.boolean() }),
  'organization.deleted': z.object({ organization: z.string() }),
  'permission.granted': z.object({ scope: grantScope, grants: z.array(grant) }),
  'permission.changed': z.object({ scope: grantScope, grants: z.array(grant) }),
  'permission.revoked': z.object({ scope: grantScope, userIds: z.array(z.string()) }),
  'share.created': z.object(share),
  'share.changed': z.object(share),
  'share.deleted': z.object({ repository: z.string(), accessDomain: z.string() }),
  'login-command.issued': z.object({ userId: z.string(), expiresAt: z.string().optional() }),
  'login.succeeded': z.object(login),
  'login.failed': z.object({ ...login, reason: z.string() }),
  'access-key.created': z.object({ userId: z.string(), access: z.string() }),
  'access-key.changed': z.object({ userId: z.string(), access: z.string(), status: z.string() }),
  'access-key.deleted': z.object({ access: z.string() }),
  'user.created': z.object({ userId: z.string(), name: z.string() }),
  'user.updated': z.object({ userId: z.string(), name: z.string(), enabled: z.boolean().optional(), passwordChanged: z.boolean() }),
  'user.deleted': z.object({ userId: z.string() }),
  'account.created': z.object({ accountId: z.string(), name: z.string() }),
  'account.updated': z.object({ accountId: z.string(), name: z.string(), enabled: z.boolean() }),
  'trigger.created': z.object({ repository: z.string(), name: z.string(), action: z.string(), enabled: z.boolean() }),
  'trigger.updated': z.object({ repository: z.string(), name: z.string(), enabled: z.boolean() }),
  'trigger.deleted': z.object({ repository: z.string(), name: z.string() }),
  'retention.created': z.object({ repository: z.string(), id: z.number().int() }),
  'retention.updated': z.object({ repository: z.string(), id: z.number().int() }),
  'retention.deleted': z.object({ repository: z.string(), id: z.number().int() }),
  'sync-rule.created': z.object({ repository: z.string(), remoteRegionId: z.string(), remoteNamespace: z.string(), override: z.boolean() }),
  'sync-rule.deleted': z.object({ repository: z.string(), remoteRegionId: z.string(), remoteNamespace: z.string() }),
  /** A manual sync: the tags queued, one job each. */
  'sync.requested': z.object({ repository: z.string(), remoteRegionId: z.string(), remoteNamespace: z.string(), tags: z.array(z.string()), override: z.boolean() }),
  /** A job's end: copied (`success`), left alone (`existed`), `failed` or `timeout`. */
  'sync.finished': z.object({ repository: z.string(), tag: z.string(), remoteRegionId: z.string(), remoteNamespace: z.string(), status: z.string(), jobId: z.number().int() }),
  /** A recorded delivery asked for again. */
  'trigger.redelivery-requested': z.object({ repository: z.string(), name: z.string(), deliveryId: z.string() }),
  /**
   * A call the gateway answered without a state change to record: a read, or a refused or failed
   * request (a denied push, a 404, a 409). Successful writes are recorded by the service that
   * committed them, so each call leaves exactly one event.
   */
  'call.answered': z.object({
    operation: z.string(),
    resourceType: z.string(),
    method: z.string(),
    path: z.string(),
    /** A short, secret-free summary of what was asked and answered. */
    request: z.string().optional(),
    response: z.string().optional(),
  }),
} as const;

export type DomainEventType = keyof typeof DOMAIN_EVENTS;
export type DomainEventData<T extends DomainEventType> = z.infer<(typeof DOMAIN_EVENTS)[T]>;

/** The kinds of resource events are about, named as Cloud Trace Service names SWR's. */
export const RESOURCE_TYPES = {
  image: 'image',
  imageTag: 'imagetag',
  blob: 'blob',
  repository: 'imagerepository',
  organization: 'usernamespace',
  organizationPermission: 'usernamespaceauth',
  repositoryPermission: 'userrepositoryauth',
  share: 'imagerepositoryaccessdomain',
  loginCommand: 'dockerlogincmd',
  user: 'user',
  accessKey: 'accesskey',
  account: 'domain',
  token: 'token',
  quota: 'quota',
  overview: 'overview',
  trace: 'trace',
  trigger: 'trigger',
  retention: 'retention',
  syncRule: 'syncrepo',
  syncJob: 'syncjob',
} as const;
