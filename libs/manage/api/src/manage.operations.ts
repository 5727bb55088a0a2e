import type { ApiOperation } from '@swr/api-http';
import { z } from 'zod';
import { category, flag, limitOffset, orderType, together, togetherMessage, whole } from './query-values';
import { inRepository, repositoryErrors } from './operation-paths';
import { namespaceItem, repositoryDetail, repositoryListItem, repositoryV3, tagFields, versionDetail } from './response-schemas';
import { TraceOperations } from './trace.operations';
import { TriggerOperations } from './trigger.operations';
import { GarbageOperations } from './garbage.operations';
import { RetentionOperations } from './retention.operations';
import { SyncOperations } from './sync.operations';
import { ArchiveOperations } from './archive.operations';


export const NamespaceOperations = {
  create: {
    id: 'CreateNamespace', audit: { trace: 'createUserNamespace', resource: 'usernamespace' },
    method: 'POST',
    path: '/v2/manage/namespaces',
    summary: 'Create an organization',
    tag: 'Organizations',
    status: 201,
    body: z.strictObject({ namespace: z.string().min(1).max(64) }),
    errors: { 400: 'invalid name (SVCSTG.SWR.4001028) or organization quota used up (SVCSTG.SWR.4000097)', 409: 'the name is taken (SVCSTG.SWR.4090060)' },
  },
  list: {
    id: 'ListNamespaces', audit: { trace: 'listUserNamespaces', resource: 'usernamespace' },
    method: 'GET',
    path: '/v2/manage/namespaces',
    summary: "List the organizations the caller holds a permission on (with mode::visible, also those where only a repository's)",
    tag: 'Organizations',
    status: 200,
    query: z.strictObject({ namespace: z.string().max(64).optional(), mode: z.enum(['visible']).optional() }),
    response: z.object({ namespaces: z.array(namespaceItem) }),
    errors: { 400: 'invalid query' },
  },
  get: {
    id: 'ShowNamespace', audit: { trace: 'showUserNamespace', resource: 'usernamespace' },
    method: 'GET',
    path: '/v2/manage/namespaces/{namespace}',
    summary: 'Show an organization',
    tag: 'Organizations',
    status: 200,
    response: namespaceItem.omit({ access_user_count: true, repo_count: true }),
    errors: { 404: 'organization not found (SVCSTG.SWR.4040058)' },
  },
  delete: {
    id: 'DeleteNamespaces', audit: { trace: 'deleteUserNamespace', resource: 'usernamespace' },
    method: 'DELETE',
    path: '/v2/manage/namespaces/{namespace}',
    summary: 'Delete an empty organization',
    tag: 'Organizations',
    status: 204,
    errors: { 403: 'needs the manage permission', 404: 'organization not found (SVCSTG.SWR.4040058)', 406: 'the organization still holds repositories (SVCSTG.SWR.4060074)' },
  },
} satisfies Record<string, ApiOperation>;

const repositoryAttributes = { is_public: z.boolean(), category: category.optional(), description: z.string().max(1000).optional() };

export const RepositoryOperations = {
  create: {
    id: 'CreateRepo', audit: { trace: 'createImageRepository', resource: 'imagerepository' },
    method: 'POST',
    path: '/v2/manage/namespaces/{namespace}/repos',
    summary: 'Create a repository in an organization',
    tag: 'Repositories',
    status: 200,
    body: z.strictObject({ repository: z.string().min(1).max(128), ...repositoryAttributes }),
    errors: { ...repositoryErrors, 400: 'invalid name (SVCSTG.SWR.4001029), is_public not a boolean or repository quota used up', 409: 'the repository exists (SVCSTG.SWR.4090006)' },
  },
  update: {
    id: 'UpdateRepo', audit: { trace: 'updateImageRepository', resource: 'imagerepository' },
    method: 'PATCH',
    path: inRepository,
    summary: "Change a repository's attributes",
    tag: 'Repositories',
    status: 201,
    body: z.strictObject(repositoryAttributes),
    errors: repositoryErrors,
  },
  get: {
    id: 'ShowRepository', audit: { trace: 'showImageRepository', resource: 'imagerepository' },
    method: 'GET',
    path: inRepository,
    summary: 'Show a repository',
    tag: 'Repositories',
    status: 200,
    response: repositoryDetail,
    errors: repositoryErrors,
  },
  delete: {
    id: 'DeleteRepo', audit: { trace: 'deleteImageRepository', resource: 'imagerepository' },
    method: 'DELETE',
    path: inRepository,
    summary: 'Delete a repository with its tags (blobs are left to garbage collection)',
    tag: 'Repositories',
    status: 204,
    errors: repositoryErrors,
  },
  list: {
    id: 'ListReposDetails', audit: { trace: 'listImageRepositories', resource: 'imagerepository' },
    method: 'GET',
    path: '/v2/manage/repos',
    summary: 'List the repositories the caller may see',
    tag: 'Repositories',
    status: 200,
    paginated: true,
    query: z
      .strictObject({
        namespace: z.string().max(64).optional(),
        name: z.string().max(128).optional(),
        category: category.optional(),
        is_public: flag.optional(),
        ...limitOffset,
        order_column: z.enum(['updated_time', 'updated_at', 'name', 'tag_count', 'namespace', 'is_public']).optional(),
        order_type: orderType.optional(),
      })
      .refine(together('order_column', 'order_type'), togetherMessage('order_column', 'order_type')),
    response: z.array(repositoryListItem),
    errors: { 400: 'invalid query (SVCSTG.SWR.4001025) or filter (SVCSTG.SWR.4001035)' },
  },
  listShared: {
    id: 'ListSharedReposDetails', audit: { trace: 'listSharedReposDetails', resource: 'imagerepository' },
    method: 'GET',
    path: '/v2/manage/shared-repositories',
    summary: 'List repositories the account shares (center=self) or that are shared with it (center=thirdparty)',
    tag: 'Repositories',
    status: 200,
    paginated: true,
    query: z
      .strictObject({
        center: z.enum(['self', 'thirdparty']),
        namespace: z.string().max(64).optional(),
        name: z.string().max(128).optional(),
        domain_name: z.string().max(64).optional(),
        status: flag.optional(),
        ...limitOffset,
        order_column: z.enum(['updated_at', 'name', 'tag_count', 'namespace', 'domain_name']).optional(),
        order_type: orderType.optional(),
      })
      .refine(together('order_column', 'order_type'), togetherMessage('order_column', 'order_type')),
    response: z.array(repositoryListItem),
    errors: { 400: 'invalid query' },
  },
  listV3: {
    id: 'ListRepositories', audit: { trace: 'listImageRepositories', resource: 'imagerepository' },
    method: 'GET',
    path: '/v3/manage/repos',
    summary: 'List repositories, cursor-paged',
    tag: 'Repositories',
    status: 200,
    query: z.strictObject({
      namespace: z.string().max(64).optional(),
      name: z.string().max(128).optional(),
      category: category.optional(),
      is_public: flag.optional(),
      limit: whole(1, 1000).optional(),
      marker: whole(0, 1_000_000_000).optional(),
    }),
    response: z.object({ repos: z.array(repositoryV3), nextMarker: z.number().int() }),
    errors: { 400: 'invalid query' },
  },
  listSharedV3: {
    id: 'ListSharedRepositories', audit: { trace: 'listSharedReposDetails', resource: 'imagerepository' },
    method: 'GET',
    path: '/v3/manage/shared-repositories',
    summary: 'List shared repositories, cursor-paged',
    tag: 'Repositories',
    status: 200,
    query: z.strictObject({
      shared_by: z.enum(['self', 'thirdparty']),
      namespace: z.string().max(64).optional(),
      name: z.string().max(128).optional(),
      status: flag.optional(),
      limit: whole(1, 1000).optional(),
      marker: whole(0, 1_000_000_000).optional(),
    }),
    response: z.object({ repos: z.array(repositoryV3), nextMarker: z.number().int() }),
    errors: { 400: 'invalid query' },
  },
} satisfies Record<string, ApiOperation>;

const tagName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'a tag: letters, digits, "_", "." and "-", at most 128');

export const TagOperations = {
  list: {
    id: 'ListRepositoryTags', audit: { trace: 'listImageTags', resource: 'imagetag' },
    method: 'GET',
    path: `${inRepository}/tags`,
    summary: "List a repository's tags",
    tag: 'Tags',
    status: 200,
    paginated: true,
    query: z
      .strictObject({ ...limitOffset, order_column: z.enum(['updated_at', 'tag']).optional(), order_type: orderType.optional(), tag: z.string().max(128).optional() })
      .refine(together('order_column', 'order_type'), togetherMessage('order_column', 'order_type')),
    response: z.array(z.object({ ...tagFields, Tag: z.string(), deleted: z.string().nullable(), scanned: z.boolean() })),
    errors: repositoryErrors,
  },
  get: {
    id: 'ShowRepoTag', audit: { trace: 'showImageTag', resource: 'imagetag' },
    method: 'GET',
    path: `${inRepository}/tags/{tag}`,
    summary: 'Show one tag',
    tag: 'Tags',
    status: 200,
    response: z.object({ ...tagFields, tag: z.string() }),
    errors: { ...repositoryErrors, 404: 'repository or tag not found (SVCSTG.SWR.4040048)' },
  },
  create: {
    id: 'CreateRepoTag', audit: { trace: 'createImageTag', resource: 'imagetag' },
    method: 'POST',
    path: `${inRepository}/tags`,
    summary: 'Tag what another tag (or a digest) points at',
    tag: 'Tags',
    status: 201,
    body: z.strictObject({ source_tag: z.union([tagName, z.string().regex(/^sha256:[a-f0-9]{64}$/)]), destination_tag: tagName, override: z.boolean().optional() }),
    errors: { ...repositoryErrors, 404: 'repository or source tag not found', 409: 'the destination tag exists and override is not set' },
  },
  delete: {
    id: 'DeleteRepoTag', audit: { trace: 'deleteImageTag', resource: 'imagetag' },
    method: 'DELETE',
    path: `${inRepository}/tags/{tag}`,
    summary: 'Delete a tag',
    tag: 'Tags',
    status: 204,
    errors: { ...repositoryErrors, 404: 'repository or tag not found' },
  },
  listV3: {
    id: 'ListRepositoryTagsV3', audit: { trace: 'listImageTags', resource: 'imagetag' },
    method: 'GET',
    path: '/v3/manage/namespaces/{namespace}/repos/{repository}/tags',
    summary: "List a repository's tags, cursor-paged",
    tag: 'Tags',
    status: 200,
    query: z
      .strictObject({
        limit: whole(1, 1000).optional(),
        marker: z.string().regex(/^\d{1,10}$/).optional(),
        tag: z.string().max(128).optional(),
        order_column: z.enum(['updated_at', 'tag']).optional(),
        order_type: orderType.optional(),
        with_manifest: flag.optional(),
      })
      .refine(together('order_column', 'order_type'), togetherMessage('order_column', 'order_type')),
    response: z.object({ tags: z.array(z.object({ ...tagFields, tag: z.string() })), nextMarker: z.string(), has_more: z.boolean() }),
    errors: repositoryErrors,
  },
  accessories: {
    id: 'ListRepoAccessories', audit: { trace: 'listRepoAccessories', resource: 'imagetag' },
    method: 'GET',
    path: `${inRepository}/{tag}/accessories`,
    summary: 'Signatures and other artifacts that refer to a tagged image',
    tag: 'Tags',
    status: 200,
    query: z.strictObject({ limit: whole(1, 100).optional(), offset: whole(0, 1_000_000_000).optional() }),
    response: z.object({
      total: z.number().int(),
      accessories: z.array(
        z.object({
          id: z.number().int(),
          domain_id: z.string(),
          namespace_name: z.string(),
          repo_name: z.string(),
          sig_tag: z.string(),
          sig_digest: z.string(),
          target_digest: z.string(),
          size: z.number().int(),
          type: z.string(),
          created_at: z.string(),
          updated_at: z.string(),
        }),
      ),
    }),
    errors: repositoryErrors,
  },
  references: {
    id: 'ListRepoReferences', audit: { trace: 'listRepoReferences', resource: 'imagetag' },
    method: 'GET',
    path: `${inRepository}/{tag}/references`,
    summary: 'The tags an artifact (a signature, say) refers to',
    tag: 'Tags',
    status: 200,
    query: z.strictObject({ limit: whole(1, 10).optional(), marker: z.string().regex(/^\d{1,10}$/).optional() }),
    response: z.object({ next_marker: z.string(), has_more: z.boolean(), tags: z.array(z.string()) }),
    errors: repositoryErrors,
  },
} satisfies Record<string, ApiOperation>;

export const AccountOperations = {
  quotas: {
    id: 'ListQuotas', audit: { trace: 'listQuotas', resource: 'quota' },
    method: 'GET',
    path: '/v2/manage/projects/{project_id}/quotas',
    summary: "The account's quotas and what it uses of them",
    tag: 'Quotas',
    status: 200,
    response: z.object({ quotas: z.array(z.object({ quota_key: z.string(), quota_limit: z.number().int(), used: z.number().int(), unit: z.string() })) }),
    errors: { 403: 'another account’s project' },
  },
  overview: {
    id: 'ShowDomainOverview', audit: { trace: 'getDomainOverview', resource: 'overview' },
    method: 'GET',
    path: '/v2/manage/overview',
    summary: "The account's totals",
    tag: 'Quotas',
    status: 200,
    response: z.object({
      domain_id: z.string(),
      domain_name: z.string(),
      namspace_num: z.number().int(),
      repo_num: z.number().int(),
      image_num: z.number().int(),
      store_space: z.number(),
      downflow_size: z.number(),
    }),
  },
  reports: {
    id: 'ShowDomainResourceReports', audit: { trace: 'getResourceReports', resource: 'report' },
    method: 'GET',
    path: '/v2/manage/reports/{resource_type}/{frequency}',
    summary: "The account's bytes per day of the last 30 (UTC): stored at the day's end (store) or served to pulls (downflow)",
    tag: 'Quotas',
    status: 200,
    response: z.array(z.object({ date: z.string().meta({ example: '2026-12-04' }), value: z.number().int() })),
    errors: { 400: 'resource_type is not store or downflow, or frequency not daily' },
  },
  featureGates: {
    id: 'ShowShareFeatureGates', audit: { trace: 'getFeatureGates', resource: 'featuregate' },
    method: 'GET',
    path: '/v2/manage/projects/{project_id}/feature-gates',
    summary: 'Which optional features this registry offers',
    tag: 'Quotas',
    status: 200,
    response: z.record(z.string(), z.boolean()),
    errors: { 403: 'another account’s project' },
  },
  versions: {
    id: 'ListApiVersions',
    method: 'GET',
    path: '/',
    summary: 'API versions',
    tag: 'API versions',
    status: 200,
    anonymous: true,
    response: z.object({ versions: z.array(versionDetail) }),
  },
  version: {
    id: 'ShowApiVersion',
    method: 'GET',
    path: '/v2',
    summary: 'The v2 API version',
    tag: 'API versions',
    status: 200,
    anonymous: true,
    response: z.object({ version: versionDetail }),
  },
} satisfies Record<string, ApiOperation>;

/** Every operation this library serves, for the OpenAPI document. */
export const MANAGE_OPERATIONS: readonly ApiOperation[] = [
  ...Object.values(NamespaceOperations),
  ...Object.values(RepositoryOperations),
  ...Object.values(TagOperations),
  ...Object.values(AccountOperations),
  ...Object.values(TraceOperations),
  ...Object.values(TriggerOperations),
  ...Object.values(GarbageOperations),
  ...Object.values(RetentionOperations),
  ...Object.values(SyncOperations),
  ...Object.values(ArchiveOperations),
];
