import { z } from 'zod';
import { rpc } from '../rpc';
import { digest, repositoryName, tag } from './schemas';

/** SWR's repository categories; `arms` is how the Go SDK spells `arm`. */
export const REPOSITORY_CATEGORIES = ['app_server', 'linux', 'framework_app', 'database', 'lang', 'other', 'windows', 'arm'] as const;
export const repositoryCategory = z.enum(REPOSITORY_CATEGORIES);
export type RepositoryCategory = z.infer<typeof repositoryCategory>;

const organizationName = z.string().min(1).max(64);
const accountId = z.string().min(1).max(64);
const orderType = z.enum(['asc', 'desc']);

export const repositoryView = z.object({
  id: z.number().int(),
  /** The organization's name; its id is IAM's (IamRpc.accessLevel tells it). */
  organization: z.string(),
  /** The full name, `organization/path`. */
  name: repositoryName,
  accountId: z.string(),
  isPublic: z.boolean(),
  category: z.string(),
  description: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  size: z.number().int(),
  tagCount: z.number().int(),
  downloads: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RepositoryView = z.infer<typeof repositoryView>;

export const tagView = z.object({
  id: z.number().int(),
  repositoryId: z.number().int(),
  tag: z.string(),
  digest,
  mediaType: z.string(),
  /** The manifest as pushed (UTF-8 JSON). */
  manifest: z.string(),
  /** The config digest, for image manifests. */
  configDigest: z.string().optional(),
  /** The manifest and every blob (and child manifest) it references, in bytes. */
  size: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TagView = z.infer<typeof tagView>;

/** Which repositories a list may return: those of the caller's account in `organizations`, plus `repositories` by name. */
export const repositoryAudience = z.object({
  accountId: accountId.optional(),
  organizations: z.array(organizationName).max(10_000),
  repositories: z.array(repositoryName).max(10_000),
});

export const REPOSITORY_ORDER_COLUMNS = ['updated_time', 'updated_at', 'name', 'tag_count', 'namespace', 'is_public'] as const;
export const TAG_ORDER_COLUMNS = ['updated_at', 'tag'] as const;

const attributes = { isPublic: z.boolean(), category: repositoryCategory.optional(), description: z.string().max(1000).optional() };

/** The management API's questions to the metadata service: repositories, their tags, usage. */
export const RepositoryRpc = {
  create: rpc(
    'metadata.repository.create.v1',
    z.object({ accountId, repository: repositoryName, ...attributes, creatorId: z.string().max(64), creatorName: z.string().max(64) }),
    repositoryView,
  ),
  update: rpc('metadata.repository.update.v1', z.object({ repository: repositoryName, ...attributes }), repositoryView),
  get: rpc('metadata.repository.get.v1', z.object({ repository: repositoryName }), repositoryView),
  /** Removes the repository with its tags and manifests; its blobs are left to garbage collection. */
  delete: rpc('metadata.repository.delete.v1', z.object({ repository: repositoryName }), z.object({})),
  list: rpc(
    'metadata.repository.list.v1',
    repositoryAudience.extend({
      namespace: z.string().max(64).optional(),
      name: z.string().max(128).optional(),
      category: repositoryCategory.optional(),
      isPublic: z.boolean().optional(),
      orderColumn: z.enum(REPOSITORY_ORDER_COLUMNS).optional(),
      orderType: orderType.optional(),
      limit: z.number().int().min(1).max(1000),
      offset: z.number().int().min(0),
      withTags: z.boolean(),
    }),
    z.object({ total: z.number().int(), repositories: z.array(repositoryView.extend({ tags: z.array(z.string()).optional() })) }),
  ),
  /** How many repositories each organization holds. */
  organizationCounts: rpc(
    'metadata.organization.counts.v1',
    z.object({ organizations: z.array(organizationName).max(10_000) }),
    z.object({ counts: z.record(z.string(), z.number().int()) }),
  ),
  /** Forgets an empty organization; refused (META_ORGANIZATION_NOT_EMPTY) while it holds repositories. */
  organizationRemove: rpc('metadata.organization.remove.v1', z.object({ organization: organizationName }), z.object({})),

  tagList: rpc(
    'metadata.repository.tags.v1',
    z.object({
      repository: repositoryName,
      tag: z.string().max(128).optional(),
      /** Only the tags that point at this manifest. */
      digest: digest.optional(),
      orderColumn: z.enum(TAG_ORDER_COLUMNS).optional(),
      orderType: orderType.optional(),
      limit: z.number().int().min(1).max(1000),
      offset: z.number().int().min(0),
    }),
    z.object({ total: z.number().int(), tags: z.array(tagView) }),
  ),
  tagGet: rpc('metadata.repository.tag.get.v1', z.object({ repository: repositoryName, tag }), tagView),
  /** Points `destination` at what `source` points at; refused when `destination` exists unless `override`. */
  tagCreate: rpc(
    'metadata.repository.tag.create.v1',
    z.object({ repository: repositoryName, source: z.union([tag, digest]), destination: tag, override: z.boolean() }),
    tagView,
  ),
  tagDelete: rpc('metadata.repository.tag.delete.v1', z.object({ repository: repositoryName, tag }), z.object({})),

  /** Pulls (manifest GETs) and the bytes served to them, counted by gateways, added in batches; a batch id is counted once. */
  downloadsRecord: rpc(
    'metadata.downloads.record.v1',
    z.object({
      batchId: z.uuid(),
      counts: z
        .array(z.object({ repository: repositoryName, count: z.number().int().min(0), bytes: z.number().int().min(0).default(0) }))
        .max(10_000),
    }),
    z.object({}),
  ),
  /** Per UTC day, oldest first, ending today: bytes stored at the day's end and bytes served to pulls that day. */
  accountDays: rpc(
    'metadata.account.days.v1',
    z.object({ accountId, days: z.number().int().min(1).max(366) }),
    z.object({ days: z.array(z.object({ date: z.string(), storedBytes: z.number().int(), egressBytes: z.number().int() })) }),
  ),
  /** An account's live usage against its limits. */
  accountUsage: rpc(
    'metadata.account.usage.v1',
    z.object({ accountId }),
    z.object({
      repositories: z.number().int(),
      repositoryLimit: z.number().int(),
      bytes: z.number().int(),
      byteLimit: z.number().int(),
      tags: z.number().int(),
      downloads: z.number().int(),
    }),
  ),
} as const;
