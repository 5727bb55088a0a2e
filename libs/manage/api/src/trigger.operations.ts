import type { ApiOperation } from '@swr/api-http';
import { TRIGGER_ACTIONS, TRIGGER_TYPES, WEBHOOK_EVENTS, WEBHOOK_FORMATS } from '@swr/contracts';
import { z } from 'zod';
import { inRepository, repositoryErrors } from './operation-paths';

const flagString = z.enum(['true', 'false']);
const workloadFields = {
  trigger_mode: z.string().max(16).optional(),
  app_type: z.string().max(32).optional(),
  application: z.string().max(128).optional(),
  cluster_id: z.string().max(64).optional(),
  cluster_name: z.string().max(128).optional(),
  cluster_ns: z.string().max(128).optional(),
  container: z.string().max(128).optional(),
};
const webhookBody = z.strictObject({
  url: z.string().min(1).max(2048),
  secret: z.string().min(1).max(256).optional(),
  headers: z.record(z.string().min(1).max(128), z.string().max(1024)).optional(),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(2).default(['push']),
  format: z.enum(WEBHOOK_FORMATS).default('default'),
});
const historyItem = z.object({
  tag: z.string(),
  result: z.enum(['success', 'failed']),
  detail: z.string(),
  action: z.string(),
  app_type: z.string(),
  application: z.string(),
  cluster_id: z.string(),
  cluster_name: z.string(),
  cluster_ns: z.string(),
  condition: z.string(),
  container: z.string(),
  created_at: z.string(),
  creator_name: z.string(),
  delivery_id: z.string(),
  event: z.string(),
  digest: z.string(),
  status: z.number().int(),
  attempt: z.number().int(),
  duration_ms: z.number().int(),
});
const triggerItem = z.object({
  name: z.string(),
  action: z.string(),
  trigger_type: z.string(),
  condition: z.string(),
  enable: flagString,
  trigger_mode: z.string(),
  app_type: z.string(),
  application: z.string(),
  cluster_id: z.string(),
  cluster_name: z.string(),
  cluster_ns: z.string(),
  container: z.string(),
  webhook: z.object({ url: z.string(), headers: z.record(z.string(), z.string()).optional(), events: z.array(z.string()), format: z.string(), has_secret: z.boolean() }).optional(),
  created_at: z.string(),
  creator_name: z.string(),
  trigger_history: z.array(historyItem),
});
const triggers = `${inRepository}/triggers`;
const triggerErrors = { ...repositoryErrors, 404: 'organization, repository or trigger not found' };

export const TriggerOperations = {
  create: {
    id: 'CreateTrigger',
    audit: { trace: 'createTrigger', resource: 'trigger' },
    method: 'POST',
    path: triggers,
    summary: "Create a trigger: on a matching push, SWR's update action (its workload fields kept and sent) or a webhook delivery",
    tag: 'Triggers',
    status: 201,
    body: z.strictObject({
      name: z.string().min(1).max(64),
      action: z.enum(TRIGGER_ACTIONS),
      trigger_type: z.enum(TRIGGER_TYPES),
      condition: z.string().max(1024),
      enable: flagString,
      ...workloadFields,
      webhook: webhookBody.optional(),
    }),
    errors: { ...triggerErrors, 400: 'invalid trigger: name, condition (unsafe regular expressions are refused), webhook URL, headers or address', 409: 'a trigger of that name exists' },
  },
  list: { id: 'ListTriggersDetails', audit: { trace: 'listTriggers', resource: 'trigger' }, method: 'GET', path: triggers, summary: "A repository's triggers with their recent deliveries", tag: 'Triggers', status: 200, response: z.array(triggerItem), errors: triggerErrors },
  get: { id: 'ShowTrigger', audit: { trace: 'showTrigger', resource: 'trigger' }, method: 'GET', path: `${triggers}/{trigger}`, summary: 'Show a trigger and its recent deliveries', tag: 'Triggers', status: 200, response: triggerItem, errors: triggerErrors },
  update: {
    id: 'UpdateTrigger',
    audit: { trace: 'updateTrigger', resource: 'trigger' },
    method: 'PATCH',
    path: `${triggers}/{trigger}`,
    summary: 'Enable or disable a trigger (the only change SWR allows)',
    tag: 'Triggers',
    status: 201,
    body: z.strictObject({ enable: flagString }),
    errors: triggerErrors,
  },
  delete: { id: 'DeleteTrigger', audit: { trace: 'deleteTrigger', resource: 'trigger' }, method: 'DELETE', path: `${triggers}/{trigger}`, summary: 'Delete a trigger', tag: 'Triggers', status: 204, errors: triggerErrors },
  redeliver: {
    id: 'RedeliverTrigger',
    audit: { trace: 'redeliverTrigger', resource: 'trigger' },
    method: 'POST',
    path: `${triggers}/{trigger}/histories/{delivery_id}/redeliver`,
    summary: 'Deliver a recorded delivery again, with the same delivery id',
    tag: 'Triggers',
    status: 202,
    errors: { ...triggerErrors, 404: 'trigger or delivery not found' },
  },
} satisfies Record<string, ApiOperation>;
