import type { RepositoryView, RequestOf, TagView } from '@swr/contracts';
import { RepositoryRpc } from '@swr/contracts';
import { OciError, parseRepositoryName } from '@swr/oci';
import { AccountLimits, MetadataError } from './metadata-error';
import type { PullTally, RepositoryAttributes, RepositoryCatalog, RepositoryListQuery, TagListQuery, TagRecord } from './repository-catalog';

type CreateRequest = RequestOf<typeof RepositoryRpc.create>;

const repositoryNotFound = (name: string) => new MetadataError('META_REPOSITORY_NOT_FOUND', `repository ${name} not found`);
const tagNotFound = (name: string, tag: string) => new MetadataError('META_TAG_NOT_FOUND', `tag ${tag} not found in ${name}`);

/** A management name must be a valid repository name; anything else is a client error, never a lookup. */
function checkedName(name: string) {
  try {
    return parseRepositoryName(name);
  } catch (error) {
    if (error instanceof OciError) throw new MetadataError('META_INVALID_REQUEST', `invalid repository name ${name.slice(0, 300)}`);
    throw error;
  }
}

function tagView(record: TagRecord): TagView {
  const manifest = record.content.toString('utf8');
  let configDigest: string | undefined;
  try {
    const digest = (JSON.parse(manifest) as { config?: { digest?: unknown } }).config?.digest;
    if (typeof digest === 'string') configDigest = digest;
  } catch {
    // Stored manifests were validated as JSON on push; an unreadable one simply has no config.
  }
  return {
    id: record.id,
    repositoryId: record.repositoryId,
    tag: record.tag,
    digest: record.digest,
    mediaType: record.mediaType,
    manifest,
    ...(configDigest ? { configDigest } : {}),
    size: record.size,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** Repository and tag management: what the management API asks of the metadata service. */
export class RepositoryService {
  constructor(
    private readonly catalog: RepositoryCatalog,
    private readonly limits: AccountLimits,
  ) {}

  async create(request: CreateRequest): Promise<RepositoryView> {
    const name = checkedName(request.repository);
    const created = await this.catalog.create({ ...request, name });
    if (!created) throw new MetadataError('META_REPOSITORY_EXISTS', `repository ${name.name} already exists`);
    return created;
  }

  async update(name: string, attributes: RepositoryAttributes): Promise<RepositoryView> {
    checkedName(name);
    const updated = await this.catalog.update(name, attributes);
    if (!updated) throw repositoryNotFound(name);
    return updated;
  }

  async get(name: string): Promise<RepositoryView> {
    checkedName(name);
    const found = await this.catalog.get(name);
    if (!found) throw repositoryNotFound(name);
    return found;
  }

  async delete(name: string): Promise<void> {
    checkedName(name);
    if (!(await this.catalog.delete(name))) throw repositoryNotFound(name);
  }

  list(query: RepositoryListQuery) {
    return this.catalog.list(query);
  }

  organizationCounts(organizations: readonly string[]) {
    return this.catalog.organizationCounts(organizations);
  }

  async removeOrganization(organization: string): Promise<void> {
    if ((await this.catalog.removeOrganization(organization)) === 'not-empty') {
      throw new MetadataError('META_ORGANIZATION_NOT_EMPTY', `organization ${organization} still holds repositories`);
    }
  }

  async listTags(repository: string, query: TagListQuery): Promise<{ total: number; tags: TagView[] }> {
    checkedName(repository);
    const page = await this.catalog.listTags(repository, query);
    if (!page) throw repositoryNotFound(repository);
    return { total: page.total, tags: page.tags.map(tagView) };
  }

  async getTag(repository: string, tag: string): Promise<TagView> {
    checkedName(repository);
    const found = await this.catalog.getTag(repository, tag);
    if (found === 'no-repository') throw repositoryNotFound(repository);
    if (found === 'no-tag') throw tagNotFound(repository, tag);
    return tagView(found);
  }

  async copyTag(repository: string, source: string, destination: string, override: boolean): Promise<TagView> {
    checkedName(repository);
    const outcome = await this.catalog.copyTag(repository, source, destination, override);
    if (outcome === 'no-repository') throw repositoryNotFound(repository);
    if (outcome === 'no-source') throw tagNotFound(repository, source);
    if (outcome === 'exists') throw new MetadataError('META_TAG_EXISTS', `tag ${destination} already exists in ${repository}; set override to replace it`);
    return this.getTag(repository, destination);
  }

  /** What a retention policy decides on: every tag, its digest, when it last moved. */
  async tagsWithDigests(repository: string): Promise<Array<{ tag: string; digest: string; pushedAt: string }> | null> {
    checkedName(repository);
    const tags = await this.catalog.tagsWithDigests(repository);
    return tags ? tags.map((t) => ({ tag: t.tag, digest: t.digest, pushedAt: t.pushedAt.toISOString() })) : null;
  }

  /** A retention policy's deletes: only tags still at the digest it decided on go. */
  deleteTagsAt(repository: string, tags: ReadonlyArray<{ tag: string; digest: string }>): Promise<string[]> {
    checkedName(repository);
    return this.catalog.deleteTagsAt(repository, tags);
  }

  async deleteTag(repository: string, tag: string): Promise<void> {
    checkedName(repository);
    const outcome = await this.catalog.deleteTag(repository, tag);
    if (outcome === 'no-repository') throw repositoryNotFound(repository);
    if (outcome === 'no-tag') throw tagNotFound(repository, tag);
  }

  recordDownloads(batchId: string, counts: ReadonlyArray<PullTally>) {
    return this.catalog.recordDownloads(batchId, counts);
  }

  accountDays(accountId: string, days: number) {
    return this.catalog.accountDays(accountId, days);
  }

  async usage(accountId: string) {
    const usage = await this.catalog.usage(accountId);
    return { ...usage, repositoryLimit: this.limits.repositories, byteLimit: this.limits.bytes };
  }
}
