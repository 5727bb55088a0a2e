import type { ApiOperation } from '@swr/api-http';
import { regionId, remoteNamespace, SYNC_JOB_STATUSES } from '@swr/contracts';
import { z } from 'zod';
import { inRepository, repositoryErrors } from './operation-paths';
import { whole } from './query-values';

const target = { remoteRegionId: regionId, remoteNamespace };
const syncRule = z.object({
  id: z.number().int(),
  domainID: z.string(),
  domainName: z.string(),
  namespace: z.string(),
  repoName: z.string(),
  ...target,
  syncAuto: z.boolean(),
  override: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const syncJob = z.object({
  id: z.number().int(),
  domainID: z.string(),
  domainName: z.string(),
  namespace: z.string(),
  repoName: z.string(),
  tag: z.string(),
  ...target,
  override: z.boolean(),
  status: z.enum(SYNC_JOB_STATUSES),
  syncOperatorId: z.string(),
  syncOperatorName: z.string(),
  detail: z.string().meta({ description: 'why the job failed, timed out or left the tag alone (ours)' }),
  copiedBytes: z.number().int().meta({ description: 'bytes sent to the remote so far, of totalBytes (ours)' }),
  totalBytes: z.number().int().meta({ description: 'bytes of the blobs the remote lacked (ours)' }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const syncErrors = { ...repositoryErrors, 400: 'invalid parameter, or a region this registry does not sync to' };

export const SyncOperations = {
  createRule: {
    id: 'CreateImageSyncRepo',
    audit: { trace: 'createSyncRepo', resource: 'syncrepo' },
    method: 'POST',
    path: `${inRepository}/sync_repo`,
    summary: 'Create an auto-sync rule: every tag pushed from now on is copied to the organization in the remote region (account admins only)',
    tag: 'Image sync',
    status: 200,
    body: z.strictObject({ ...target, syncAuto: z.boolean().optional(), override: z.boolean().optional() }),
    errors: { ...syncErrors, 409: 'the repository has a rule for that region and organization already' },
  },
  deleteRule: {
    id: 'DeleteImageSyncRepo',
    audit: { trace: 'deleteSyncRepo', resource: 'syncrepo' },
    method: 'DELETE',
    path: `${inRepository}/sync_repo`,
    summary: 'Delete an auto-sync rule (images already copied stay)',
    tag: 'Image sync',
    status: 200,
    body: z.strictObject(target),
    errors: { ...syncErrors, 400: 'invalid parameter, or no such rule (SVCSTG.SWR.4001158, as SWR answers)' },
  },
  listRules: {
    id: 'ListImageAutoSyncReposDetails',
    audit: { trace: 'listSyncRepos', resource: 'syncrepo' },
    method: 'GET',
    path: `${inRepository}/sync_repo`,
    summary: "The repository's auto-sync rules",
    tag: 'Image sync',
    status: 200,
    response: z.array(syncRule),
    errors: repositoryErrors,
  },
  manual: {
    id: 'CreateManualImageSyncRepo',
    audit: { trace: 'createManualSyncRepo', resource: 'syncjob' },
    method: 'POST',
    path: `${inRepository}/sync_images`,
    summary: 'Copy existing tags to the organization in the remote region now, one job each (account admins only); answers the tags that could not be synced (not in the repository)',
    tag: 'Image sync',
    status: 200,
    body: z.strictObject({ imageTag: z.array(z.string().min(1).max(128)).min(1).max(100), ...target, override: z.boolean().optional() }),
    response: z.array(z.string()),
    errors: syncErrors,
  },
  jobs: {
    id: 'ShowSyncJob',
    audit: { trace: 'showSyncJob', resource: 'syncjob' },
    method: 'GET',
    path: `${inRepository}/sync_job`,
    summary: 'The repository\'s sync jobs: filter=limit::{n}|offset::{n}[|order::desc|asc] (required; by creation time, newest first by default)',
    tag: 'Image sync',
    status: 200,
    paginated: true,
    filterOnly: true,
    query: z.strictObject({ limit: whole(1, 1000), offset: whole(0, 1_000_000_000), order: z.enum(['asc', 'desc']).optional() }),
    response: z.array(syncJob),
    errors: syncErrors,
  },
  regions: {
    id: 'ListSyncRegions',
    audit: { trace: 'listSyncRegions', resource: 'region' },
    method: 'GET',
    path: '/v2/manage/regions',
    summary: 'The regions this registry syncs images to (the operator lists them in SWR_SYNC_REGIONS)',
    tag: 'Image sync',
    status: 200,
    response: z.array(z.object({ regionID: z.string() })),
    errors: { 401: 'no valid X-Auth-Token' },
  },
} satisfies Record<string, ApiOperation>;
