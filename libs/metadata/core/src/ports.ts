import type { DescriptorPayload, UploadPartPayload } from '@swr/contracts';
import type { DigestAlgorithm, RepositoryName } from '@swr/oci';

export interface UploadRecord {
  readonly id: string;
  readonly repository: string;
  readonly algorithm: DigestAlgorithm;
  readonly offset: number;
  readonly startedAt: Date;
}

/** A session as its closing PUT holds it, with its parts in order. */
export interface HeldUploadRecord extends UploadRecord {
  readonly parts: readonly UploadPartPayload[];
}

export interface PageRequest {
  readonly n: number;
  readonly last?: string;
}

/** Which blobs each repository may serve. A blob is readable only through a repository that links it. */
export interface BlobLinks {
  linkedSize(repository: string, digest: string): Promise<number | undefined>;
  /** Links `digest` into `target` (created for `account` on first push) when `from` links it; the size when it did, else undefined. */
  mount(target: RepositoryName, from: string, digest: string, account?: string): Promise<number | undefined>;
  unlink(repository: string, digest: string): Promise<boolean>;
}

export type AppendResult = { appended: UploadRecord } | { refused: 'offset' | 'quota'; current: UploadRecord };

/** Upload sessions: the only memory of an upload between two requests, whichever gateway serves them. */
export interface UploadSessions {
  /** Opens a session; the repository is created for `account` on first push. */
  create(repository: RepositoryName, id: string, algorithm: DigestAlgorithm, account?: string): Promise<UploadRecord>;
  find(repository: string, id: string): Promise<UploadRecord | undefined>;
  /** Finds the session with its parts and marks `digest` as the blob it is committing: collection leaves that blob alone until the session ends. */
  hold(repository: string, id: string, digest: string): Promise<HeldUploadRecord | undefined>;
  /** The session's parts in order; undefined when there is no such session. */
  parts(repository: string, id: string): Promise<UploadPartPayload[] | undefined>;
  /**
   * Appends a part when the session's offset is still `expectedOffset` and the upload still fits
   * the owning account's storage quota; otherwise says why not (or undefined: no such session).
   */
  append(repository: string, id: string, expectedOffset: number, part: UploadPartPayload): Promise<AppendResult | undefined>;
  /** Ends the session and links the blob, in one transaction; false when there was no such session. */
  complete(repository: string, id: string, digest: string, size: number): Promise<boolean>;
  remove(repository: string, id: string): Promise<boolean>;
}

export interface NewManifest {
  readonly repository: RepositoryName;
  /** The pushing account: the owner of a repository this push creates. */
  readonly account?: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly content: Buffer;
  readonly tags: readonly string[];
  readonly blobs: readonly string[];
  readonly manifests: readonly string[];
  readonly subject?: DescriptorPayload;
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
}

export interface ManifestRecord {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly content?: Buffer;
}

/** What a lookup found: the repository may be missing, or present without the manifest. */
export type ManifestLookup = { repository: false } | { repository: true; manifest?: ManifestRecord };

export interface MissingReferences {
  readonly blobs: readonly string[];
  readonly manifests: readonly string[];
}

export interface ManifestIndex {
  /** Stores the manifest and moves its tags, unless a reference is missing: then stores nothing and says which. */
  put(manifest: NewManifest): Promise<MissingReferences | undefined>;
  findByTag(repository: string, tag: string, withContent: boolean): Promise<ManifestLookup>;
  findByDigest(repository: string, digest: string, withContent: boolean): Promise<ManifestLookup>;
  deleteByDigest(repository: string, digest: string): Promise<ManifestLookup>;
  deleteTag(repository: string, tag: string): Promise<ManifestLookup>;
  /** Up to `n + 1` tag names after `last` in byte order (one extra tells that more follow); undefined when the repository does not exist. */
  listTags(repository: string, page: PageRequest): Promise<string[] | undefined>;
  /** Up to `n + 1` repository names after `last`, in byte order. */
  listRepositories(page: PageRequest): Promise<string[]>;
  listReferrers(repository: string, subject: string, artifactType?: string): Promise<DescriptorPayload[]>;
}
