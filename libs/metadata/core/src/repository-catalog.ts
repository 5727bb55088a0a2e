import type { RepositoryCategory, RepositoryView, RequestOf, RepositoryRpc } from '@swr/contracts';
import type { RepositoryName } from '@swr/oci';

export type RepositoryListQuery = RequestOf<typeof RepositoryRpc.list>;
export type TagListQuery = Omit<RequestOf<typeof RepositoryRpc.tagList>, 'repository'>;

export interface RepositoryAttributes {
  readonly isPublic: boolean;
  readonly category?: RepositoryCategory;
  readonly description?: string;
}

export interface NewRepositoryRecord extends RepositoryAttributes {
  readonly name: RepositoryName;
  readonly accountId: string;
  readonly creatorId: string;
  readonly creatorName: string;
}

/** A tag as stored: the manifest bytes are shaped into the API's view by the service. */
export interface TagRecord {
  readonly id: number;
  readonly repositoryId: number;
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly content: Buffer;
  readonly size: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type TagCopyOutcome = 'copied' | 'no-repository' | 'no-source' | 'exists';

/** Repositories as the management API sees them: attributes, totals, tags, and accounts' usage. */
export interface RepositoryCatalog {
  /** Undefined when the repository exists already. */
  create(repository: NewRepositoryRecord): Promise<RepositoryView | undefined>;
  update(name: string, attributes: RepositoryAttributes): Promise<RepositoryView | undefined>;
  get(name: string): Promise<RepositoryView | undefined>;
  delete(name: string): Promise<boolean>;
  list(query: RepositoryListQuery): Promise<{ total: number; repositories: Array<RepositoryView & { tags?: string[] }> }>;
  organizationCounts(organizations: readonly string[]): Promise<Record<string, number>>;
  removeOrganization(organization: string): Promise<'removed' | 'absent' | 'not-empty'>;
  /** Undefined when the repository does not exist. */
  listTags(repository: string, query: TagListQuery): Promise<{ total: number; tags: TagRecord[] } | undefined>;
  getTag(repository: string, tag: string): Promise<TagRecord | 'no-repository' | 'no-tag'>;
  copyTag(repository: string, source: string, destination: string, override: boolean): Promise<TagCopyOutcome>;
  deleteTag(repository: string, tag: string): Promise<'deleted' | 'no-repository' | 'no-tag'>;
  /** Every tag with its digest and when it last moved; undefined when the repository does not exist. */
  tagsWithDigests(repository: string): Promise<Array<{ tag: string; digest: string; pushedAt: Date }> | undefined>;
  /** Deletes, in one transaction, the tags that still point at the digest given (each with its event); answers those deleted. */
  deleteTagsAt(repository: string, tags: ReadonlyArray<{ tag: string; digest: string }>): Promise<string[]>;
  /** Adds a gateway's batch of counted pulls; a batch already recorded (a retry) changes nothing. */
  recordDownloads(batchId: string, counts: ReadonlyArray<PullTally>): Promise<void>;
  usage(accountId: string): Promise<{ repositories: number; bytes: number; tags: number; downloads: number }>;
  /** The last `days` UTC days, oldest first, ending today. */
  accountDays(accountId: string, days: number): Promise<AccountDay[]>;
}

/** What gateways counted of one repository's pulls since their last batch. */
export interface PullTally {
  readonly repository: string;
  /** Manifest GETs. */
  readonly count: number;
  /** Bytes served to pulls: manifests and blobs. */
  readonly bytes: number;
}

export interface AccountDay {
  /** `YYYY-MM-DD`, UTC. */
  readonly date: string;
  /** At the end of the day (now, for today). */
  readonly storedBytes: number;
  readonly egressBytes: number;
}
