import { z } from 'zod';
import { rpc } from '../rpc';
import { digest, repositoryName, tag } from '../metadata/schemas';

/** An exception a rule never removes, as SWR spells it: `label` an exact tag, `regexp` a pattern. */
export const tagSelector = z.object({ kind: z.enum(['label', 'regexp']), pattern: z.string().min(1).max(256) });

/** A rule as SWR spells it: `params` holds strings (`{"days":"30"}`, `{"num":"7"}`). */
export const retentionRule = z.object({
  template: z.enum(['date_rule', 'tag_rule']),
  params: z.record(z.string(), z.string()),
  tag_selectors: z.array(tagSelector).max(100),
});
export type RetentionRulePayload = z.infer<typeof retentionRule>;

export const retentionPolicy = z.object({
  id: z.number().int(),
  repository: repositoryName,
  algorithm: z.literal('or'),
  rules: z.array(retentionRule),
  scope: z.string(),
});
export type RetentionPolicyPayload = z.infer<typeof retentionPolicy>;

export const retentionLog = z.object({
  id: z.number().int(),
  retentionId: z.number().int(),
  repository: repositoryName,
  tag: z.string(),
  digest: z.string(),
  /** The rule that removed it, serialised as SWR's `rule_type` is. */
  ruleType: z.string(),
  createdAt: z.string(),
});
export type RetentionLogPayload = z.infer<typeof retentionLog>;

export const retentionRemoval = z.object({ tag: z.string(), digest: z.string(), ruleType: z.string() });

const body = { algorithm: z.literal('or'), rules: z.array(retentionRule).min(1).max(10) };
const policyId = z.number().int().min(1);

/** Retention policies, served by the retention worker. */
export const RetentionRpc = {
  /** One policy per repository; it applies at once (asynchronously), then on the daily schedule. */
  create: rpc('retention.policy.create.v1', z.object({ repository: repositoryName, accountId: z.string().max(64), ...body }), z.object({ id: z.number().int() })),
  list: rpc('retention.policy.list.v1', z.object({ repository: repositoryName }), z.object({ policies: z.array(retentionPolicy) })),
  get: rpc('retention.policy.get.v1', z.object({ repository: repositoryName, id: policyId }), retentionPolicy),
  update: rpc('retention.policy.update.v1', z.object({ repository: repositoryName, id: policyId, ...body }), z.object({})),
  delete: rpc('retention.policy.delete.v1', z.object({ repository: repositoryName, id: policyId }), z.object({})),
  /** The repository's removed tags, newest first. */
  histories: rpc(
    'retention.history.list.v1',
    z.object({ repository: repositoryName, limit: z.number().int().min(1).max(1000), offset: z.number().int().min(0) }),
    z.object({ logs: z.array(retentionLog), total: z.number().int() }),
  ),
  /** What the policy would remove now; removes nothing. */
  dryRun: rpc('retention.policy.dry-run.v1', z.object({ repository: repositoryName, id: policyId }), z.object({ removals: z.array(retentionRemoval) })),
  /** Applies the policy now, as the system (by a job, on some replica). */
  execute: rpc('retention.policy.execute.v1', z.object({ repository: repositoryName, id: policyId }), z.object({})),
  /** Forgets a deleted repository's policy and history. */
  forgetRepository: rpc('retention.repository.forget.v1', z.object({ repository: repositoryName }), z.object({})),
} as const;

/** What the retention worker asks the metadata service. */
export const RetentionTagsRpc = {
  /** Every tag of a repository with its digest and when it last moved: what the rules decide on. */
  candidates: rpc(
    'metadata.retention.tags.v1',
    z.object({ repository: repositoryName }),
    z.object({ tags: z.array(z.object({ tag, digest, pushedAt: z.string() })) }).nullable(),
  ),
  /** Deletes tags that still point at the digest they were decided on (a tag pushed again since stays), as a user's delete would; answers those deleted. */
  remove: rpc(
    'metadata.retention.remove.v1',
    z.object({ repository: repositoryName, tags: z.array(z.object({ tag, digest })).max(1000) }),
    z.object({ removed: z.array(tag) }),
  ),
} as const;

/** What retention handlers answer with, and the HTTP status each means. */
export const RETENTION_ERROR_STATUS = {
  RETENTION_INVALID: 400,
  /** SWR answers a missing policy with 400 SVCSTG.SWR.4000306 on delete, 404 elsewhere. */
  RETENTION_NOT_FOUND: 404,
  RETENTION_CONFLICT: 409,
} as const;
export type RetentionErrorCode = keyof typeof RETENTION_ERROR_STATUS;

export function isRetentionErrorCode(code: string): code is RetentionErrorCode {
  return Object.hasOwn(RETENTION_ERROR_STATUS, code);
}
