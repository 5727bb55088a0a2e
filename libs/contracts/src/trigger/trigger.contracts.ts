import { z } from 'zod';
import { repositoryName } from '../metadata/schemas';
import { rpc } from '../rpc';

export const TRIGGER_TYPES = ['all', 'tag', 'regular'] as const;
export const TRIGGER_ACTIONS = ['update', 'webhook'] as const;
export const WEBHOOK_EVENTS = ['push', 'delete'] as const;
export const WEBHOOK_FORMATS = ['default', 'cloudevents'] as const;

/** Where and how a `webhook` trigger delivers. The secret signs deliveries and is never shown again. */
export const webhookSettings = z.object({
  url: z.string().min(1).max(2048),
  secret: z.string().min(1).max(256).optional(),
  headers: z.record(z.string().min(1).max(128), z.string().max(1024)).optional(),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(2),
  format: z.enum(WEBHOOK_FORMATS),
});
export type WebhookSettings = z.infer<typeof webhookSettings>;

/** SWR's workload fields: stored, returned and sent along; SWR's `update` action rolls that workload. */
const workload = {
  triggerMode: z.string().max(16),
  appType: z.string().max(32),
  application: z.string().max(128),
  clusterId: z.string().max(64),
  clusterName: z.string().max(128),
  clusterNs: z.string().max(128),
  container: z.string().max(128),
};

export const newTrigger = z.object({
  repository: repositoryName,
  name: z.string().min(1).max(64),
  action: z.enum(TRIGGER_ACTIONS),
  triggerType: z.enum(TRIGGER_TYPES),
  condition: z.string().max(1024),
  enabled: z.boolean(),
  ...workload,
  webhook: webhookSettings.optional(),
  creatorName: z.string().max(64),
});
export type NewTrigger = z.infer<typeof newTrigger>;

export const triggerHistoryView = z.object({
  deliveryId: z.string(),
  tag: z.string(),
  digest: z.string(),
  event: z.enum(WEBHOOK_EVENTS),
  result: z.enum(['success', 'failed']),
  detail: z.string(),
  status: z.number().int(),
  attempt: z.number().int(),
  durationMs: z.number().int(),
  createdAt: z.string(),
});
export type TriggerHistoryView = z.infer<typeof triggerHistoryView>;

export const triggerView = newTrigger.omit({ webhook: true }).extend({
  /** The secret is not returned: only whether there is one. */
  webhook: webhookSettings.omit({ secret: true }).extend({ hasSecret: z.boolean() }).optional(),
  createdAt: z.string(),
  history: z.array(triggerHistoryView),
});
export type TriggerView = z.infer<typeof triggerView>;

const inRepository = { repository: repositoryName };
/** What a trigger may be called: letters, digits, `.`, `_` and `-`, a letter or digit first. */
export const triggerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const named = { ...inRepository, name: triggerName };
/** Delivery ids (X-SWR-Delivery) are UUID-shaped. */
export const deliveryId = z.string().regex(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);

/** The trigger worker's CRUD, served over NATS in the `trigger` queue group. */
export const TriggerRpc = {
  create: rpc('trigger.create.v1', newTrigger, triggerView),
  list: rpc('trigger.list.v1', z.object(inRepository), z.object({ triggers: z.array(triggerView) })),
  get: rpc('trigger.get.v1', z.object(named), triggerView),
  /** SWR lets only `enable` change. */
  update: rpc('trigger.update.v1', z.object({ ...named, enabled: z.boolean() }), triggerView),
  delete: rpc('trigger.delete.v1', z.object(named), z.object({})),
  /** Delivers a recorded delivery again, as a new attempt with the same delivery id. */
  redeliver: rpc('trigger.redeliver.v1', z.object({ ...named, deliveryId }), z.object({})),
} as const;

/** What trigger handlers answer with, and the HTTP status each means. */
export const TRIGGER_ERROR_STATUS = {
  TRIGGER_INVALID: 400,
  TRIGGER_NOT_FOUND: 404,
  TRIGGER_CONFLICT: 409,
} as const;
export type TriggerErrorCode = keyof typeof TRIGGER_ERROR_STATUS;

export function isTriggerErrorCode(code: string): code is TriggerErrorCode {
  return Object.hasOwn(TRIGGER_ERROR_STATUS, code);
}
