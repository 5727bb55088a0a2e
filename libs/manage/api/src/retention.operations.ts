import type { ApiOperation } from '@swr/api-http';
import { z } from 'zod';
import { inRepository, repositoryErrors } from './operation-paths';
import { limitOffset, together, togetherMessage } from './query-values';

const tagSelector = z.strictObject({ kind: z.enum(['label', 'regexp']), pattern: z.string().min(1).max(256) });
const rule = z.strictObject({
  template: z.enum(['date_rule', 'tag_rule']),
  params: z.record(z.string(), z.string()).meta({ description: '{"days":"1".."365"} for date_rule, {"num":"1".."1000"} for tag_rule: strings, as SWR has them' }),
  tag_selectors: z.array(tagSelector).max(100),
});
const policyBody = z.strictObject({ algorithm: z.literal('or'), rules: z.array(rule).min(1).max(10) });
const policy = z.object({ id: z.number().int(), algorithm: z.literal('or'), rules: z.array(rule), scope: z.string() });
const retentionLog = z.object({
  id: z.number().int(),
  retention_id: z.number().int(),
  namespace: z.string(),
  repo: z.string(),
  tag: z.string(),
  rule_type: z.string().meta({ description: 'the rule that removed the tag, as JSON' }),
  created_at: z.string(),
});

const retentions = `${inRepository}/retentions`;
const retentionErrors = { ...repositoryErrors, 404: 'organization, repository or retention policy not found' };

export const RetentionOperations = {
  create: {
    id: 'CreateRetention',
    audit: { trace: 'createRetention', resource: 'retention' },
    method: 'POST',
    path: retentions,
    summary: 'Set the repository\'s retention policy (one per repository): it applies at once, then daily. date_rule keeps tags pushed within N days, tag_rule the N most recent; tag_selectors are never removed',
    tag: 'Retention',
    status: 201,
    body: policyBody,
    response: z.object({ id: z.number().int() }),
    errors: { ...retentionErrors, 400: 'invalid policy: template, params out of range, unsafe pattern', 409: 'the repository has a retention policy already' },
  },
  list: { id: 'ListRetentions', audit: { trace: 'listRetentions', resource: 'retention' }, method: 'GET', path: retentions, summary: "The repository's retention policies", tag: 'Retention', status: 200, response: z.array(policy), errors: retentionErrors },
  histories: {
    id: 'ListRetentionHistories',
    audit: { trace: 'listRetentionHistories', resource: 'retention' },
    method: 'GET',
    path: `${retentions}/histories`,
    summary: 'The tags retention removed, newest first (Content-Range: offset-count/total)',
    tag: 'Retention',
    status: 200,
    paginated: true,
    query: z.strictObject({ ...limitOffset }).refine(together('limit', 'offset'), togetherMessage('limit', 'offset')),
    response: z.object({ retention_log: z.array(retentionLog), total: z.number().int() }),
    errors: retentionErrors,
  },
  get: { id: 'ShowRetention', audit: { trace: 'showRetention', resource: 'retention' }, method: 'GET', path: `${retentions}/{retention_id}`, summary: 'Show a retention policy', tag: 'Retention', status: 200, response: policy, errors: retentionErrors },
  update: {
    id: 'UpdateRetention',
    audit: { trace: 'updateRetention', resource: 'retention' },
    method: 'PATCH',
    path: `${retentions}/{retention_id}`,
    summary: 'Change a retention policy; it applies at once',
    tag: 'Retention',
    status: 201,
    body: policyBody,
    errors: { ...retentionErrors, 400: 'invalid policy' },
  },
  delete: {
    id: 'DeleteRetention',
    audit: { trace: 'deleteRetention', resource: 'retention' },
    method: 'DELETE',
    path: `${retentions}/{retention_id}`,
    summary: 'Delete a retention policy (its history stays)',
    tag: 'Retention',
    status: 200,
    errors: { ...retentionErrors, 400: 'no such policy (SVCSTG.SWR.4000306, as SWR answers)' },
  },
  dryRun: {
    id: 'DryRunRetention',
    audit: { trace: 'dryRunRetention', resource: 'retention', changesNothing: true },
    method: 'POST',
    path: `${retentions}/{retention_id}/dry-run`,
    summary: 'What the policy would remove now, oldest first; nothing is removed (ours: SWR has no dry run)',
    tag: 'Retention',
    status: 200,
    response: z.object({ removals: z.array(z.object({ tag: z.string(), digest: z.string(), rule_type: z.string() })) }),
    errors: retentionErrors,
  },
  execute: {
    id: 'ExecuteRetention',
    audit: { trace: 'executeRetention', resource: 'retention', changesNothing: true },
    method: 'POST',
    path: `${retentions}/{retention_id}/execute`,
    summary: 'Apply the policy now rather than at its daily run (ours); the removed tags appear in the histories',
    tag: 'Retention',
    status: 202,
    errors: retentionErrors,
  },
} satisfies Record<string, ApiOperation>;
