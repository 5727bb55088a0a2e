import type { RepositoryView, TagView } from '@swr/contracts';
import type { ManagedRepository } from './access';

const MANIFEST_LIST_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** A repository's path inside its organization: `org/a/b` → `a/b`. */
export const pathInOrganization = (repository: RepositoryView) => repository.name.slice(repository.organization.length + 1);

/** Times as SWR writes them: UTC, whole seconds. */
export const swrTime = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

export function repositoryDetail(r: ManagedRepository, host: string) {
  return {
    id: r.id,
    ns_id: r.organizationId,
    name: pathInOrganization(r),
    category: r.category,
    description: r.description,
    creator_id: r.creatorId,
    creator_name: r.creatorName,
    size: r.size,
    is_public: r.isPublic,
    num_images: r.tagCount,
    num_download: r.downloads,
    url: '',
    path: `${host}/${r.name}`,
    internal_path: `${host}/${r.name}`,
    created: swrTime(r.createdAt),
    updated: swrTime(r.updatedAt),
    domain_id: r.accountId,
    priority: 0,
  };
}

/** What the v2 and v3 repository lists show of every repository. */
function repositorySummary(r: RepositoryView, owner: string, status: boolean) {
  return {
    name: pathInOrganization(r),
    category: r.category,
    description: r.description,
    size: r.size,
    is_public: r.isPublic,
    num_images: r.tagCount,
    num_download: r.downloads,
    created_at: swrTime(r.createdAt),
    updated_at: swrTime(r.updatedAt),
    domain_name: owner,
    status,
  };
}

export function repositoryListItem(r: RepositoryView & { tags?: string[] }, host: string, owner: string, status: boolean, total: number) {
  return {
    ...repositorySummary(r, owner, status),
    logo: '',
    url: '',
    path: `${host}/${r.name}`,
    internal_path: `${host}/${r.name}`,
    namespace: r.organization,
    tags: r.tags ?? [],
    total_range: total,
  };
}

export function repositoryV3(r: RepositoryView, owner: string, status: boolean) {
  return { id: r.id, ...repositorySummary(r, owner, status), namespace_name: r.organization };
}

/** A tag in SWR's shape; the list API alone spells the name `Tag`. */
export function tagFields(t: TagView, repository: string, host: string, accountId: string, withManifest = true) {
  return {
    id: t.id,
    repo_id: t.repositoryId,
    image_id: t.configDigest ? t.configDigest.replace(/^sha\d+:/, '') : '',
    manifest: withManifest ? t.manifest : '',
    digest: t.digest,
    schema: 2,
    path: `${host}/${repository}:${t.tag}`,
    internal_path: `${host}/${repository}:${t.tag}`,
    size: t.size,
    is_trusted: false,
    created: swrTime(t.createdAt),
    updated: swrTime(t.updatedAt),
    domain_id: accountId,
    tag_type: MANIFEST_LIST_TYPES.has(t.mediaType) ? 1 : 0,
  };
}

/** `Content-Range: offset-count/total`, SWR's paging header. */
export const contentRange = (offset: number, count: number, total: number) => `${offset}-${count}/${total}`;
