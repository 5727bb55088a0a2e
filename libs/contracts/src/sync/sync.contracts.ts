import { z } from 'zod';
import { rpc } from '../rpc';
import { repositoryName, tag } from '../metadata/schemas';

/** A region id as SWR names them (`cn-north-4`), and as the operator lists them in SWR_SYNC_REGIONS. */
export const regionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a region id: lower-case letters, digits and "-"');
/** A target organization: a name that could be one in the remote region. */
export const remoteNamespace = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'an organization name');

/** SWR's job statuses: `existed` is a tag left alone because the target holds another image under it and override was off. */
export const SYNC_JOB_STATUSES = ['waiting', 'running', 'success', 'failed', 'timeout', 'cancel', 'existed'] as const;
export type SyncJobStatus = (typeof SYNC_JOB_STATUSES)[number];

/** Who asked: the account (its name is the account's name in every region) and the user acting. */
const requester = z.object({ accountId: z.string().max(64), accountName: z.string().max(64), userId: z.string().max(64), userName: z.string().max(64) });
const target = { remoteRegionId: regionId, remoteNamespace };

export const syncRule = z.object({
  id: z.number().int(),
  accountId: z.string(),
  accountName: z.string(),
  repository: repositoryName,
  ...target,
  syncAuto: z.boolean(),
  override: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SyncRulePayload = z.infer<typeof syncRule>;

export const syncJob = z.object({
  id: z.number().int(),
  accountId: z.string(),
  accountName: z.string(),
  repository: repositoryName,
  tag: z.string(),
  ...target,
  override: z.boolean(),
  status: z.enum(SYNC_JOB_STATUSES),
  operatorId: z.string(),
  operatorName: z.string(),
  /** Why a job failed, timed out or left the tag alone. */
  detail: z.string(),
  /** Progress while it runs: bytes sent to the remote of the bytes it lacked. */
  copiedBytes: z.number().int(),
  totalBytes: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SyncJobPayload = z.infer<typeof syncJob>;

/** Image sync between regions, served by the sync worker. */
export const SyncRpc = {
  /** The remote regions the operator configured (SWR_SYNC_REGIONS). */
  regions: rpc('sync.region.list.v1', z.object({}), z.object({ regions: z.array(regionId) })),
  /** An auto-sync rule: every tag pushed to the repository from now on is copied. */
  ruleCreate: rpc(
    'sync.rule.create.v1',
    z.object({ repository: repositoryName, requester, ...target, syncAuto: z.boolean(), override: z.boolean() }),
    z.object({ id: z.number().int() }),
  ),
  ruleDelete: rpc('sync.rule.delete.v1', z.object({ repository: repositoryName, ...target }), z.object({})),
  ruleList: rpc('sync.rule.list.v1', z.object({ repository: repositoryName, accountId: z.string().max(64) }), z.object({ rules: z.array(syncRule) })),
  /** Copies existing tags now; answers the tags that could not be queued (not in the repository). */
  manual: rpc(
    'sync.manual.v1',
    z.object({ repository: repositoryName, requester, ...target, tags: z.array(tag).min(1).max(100), override: z.boolean() }),
    z.object({ failed: z.array(z.string()) }),
  ),
  /** The account's jobs of the repository: a repository deleted and made again by another account shows none of the first's. */
  jobList: rpc(
    'sync.job.list.v1',
    z.object({ repository: repositoryName, accountId: z.string().max(64), limit: z.number().int().min(1).max(1000), offset: z.number().int().min(0), order: z.enum(['asc', 'desc']) }),
    z.object({ jobs: z.array(syncJob), total: z.number().int() }),
  ),
} as const;

/** What sync handlers answer with, and the HTTP status each means. */
export const SYNC_ERROR_STATUS = {
  SYNC_INVALID: 400,
  /** SWR answers deleting a missing rule with 400 SVCSTG.SWR.4001158. */
  SYNC_RULE_NOT_FOUND: 400,
  SYNC_RULE_EXISTS: 409,
} as const;
export type SyncErrorCode = keyof typeof SYNC_ERROR_STATUS;

export function isSyncErrorCode(code: string): code is SyncErrorCode {
  return Object.hasOwn(SYNC_ERROR_STATUS, code);
}
