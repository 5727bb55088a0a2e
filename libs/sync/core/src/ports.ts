import type { SyncJobStatus } from '@swr/contracts';
import type { ByteRange, OpenBlob } from '@swr/blob-store';

/** Where a sync copies to: a region the operator listed, an organization there. */
export interface SyncTarget {
  readonly remoteRegionId: string;
  readonly remoteNamespace: string;
}

/** The account (same name in every region) and the user acting. */
export interface Requester {
  readonly accountId: string;
  readonly accountName: string;
  readonly userId: string;
  readonly userName: string;
}

export interface SyncRuleRecord extends SyncTarget {
  readonly id: number;
  readonly repository: string;
  readonly requester: Requester;
  readonly syncAuto: boolean;
  readonly override: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewSyncJob extends SyncTarget {
  readonly repository: string;
  readonly tag: string;
  readonly override: boolean;
  readonly requester: Requester;
}

export interface SyncJobRecord extends NewSyncJob {
  readonly id: number;
  readonly status: SyncJobStatus;
  readonly detail: string;
  readonly copiedBytes: number;
  readonly totalBytes: number;
  /** When its first try began: the time limit runs from here, across retries and restarts. */
  readonly startedAt?: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A blob upload begun at the remote, kept so that a later try resumes it rather than starting over. */
export interface RemoteUpload {
  readonly location: string;
}

export interface SyncStore {
  /** Undefined when the repository has a rule for that target already. */
  createRule(rule: { repository: string; requester: Requester; syncAuto: boolean; override: boolean } & SyncTarget): Promise<number | undefined>;
  deleteRule(repository: string, target: SyncTarget): Promise<boolean>;
  listRules(repository: string): Promise<SyncRuleRecord[]>;
  /** Adds the jobs of a manual sync (recorded as one request). */
  addManualJobs(jobs: readonly NewSyncJob[]): Promise<number[]>;
  /** Adds the jobs an event causes, once: the same event seen again adds none (answers only those added). */
  addJobsFor(cause: string, jobs: readonly NewSyncJob[]): Promise<number[]>;
  findJob(id: number): Promise<SyncJobRecord | undefined>;
  /** Jobs not ended yet (waiting, or running when their worker stopped), oldest first. */
  unfinishedJobs(): Promise<number[]>;
  /** Marks a waiting or running job running (its start time kept from the first try); undefined when it has ended. */
  start(id: number, now: Date): Promise<SyncJobRecord | undefined>;
  progress(id: number, copiedBytes: number, totalBytes: number): Promise<void>;
  /** Records why the last try failed, while the job waits for another. */
  note(id: number, detail: string): Promise<void>;
  /** Ends a job; a job that has ended already stays as it was. */
  finish(id: number, status: Exclude<SyncJobStatus, 'waiting' | 'running'>, detail: string): Promise<void>;
  listJobs(repository: string, accountId: string, page: { limit: number; offset: number; order: 'asc' | 'desc' }): Promise<{ jobs: SyncJobRecord[]; total: number }>;
  /** Drops a deleted repository's rules (its job records stay, as history). */
  forgetRepository(repository: string): Promise<void>;
  /** A blob upload in progress at the remote, for `key` (region, repository, digest). */
  findUpload(key: string): Promise<RemoteUpload | undefined>;
  saveUpload(key: string, upload: RemoteUpload): Promise<void>;
  dropUpload(key: string): Promise<void>;
  /** A repository of the account in that region known to hold the blob: a mount source. */
  blobHolder(region: string, accountName: string, digest: string): Promise<string | undefined>;
  rememberBlobs(region: string, accountName: string, repository: string, digests: readonly string[]): Promise<void>;
}

export interface SourceManifest {
  readonly digest: string;
  readonly mediaType: string;
  /** Exactly as pushed: the target must get the same bytes, so the same digest. */
  readonly content: Buffer;
}

export interface ReferrerDescriptor {
  readonly digest: string;
  readonly mediaType: string;
}

/** This region's images: manifests from the metadata service, blob bytes from the blob store. */
export interface SourceImages {
  manifest(repository: string, reference: string): Promise<SourceManifest | undefined>;
  referrers(repository: string, digest: string): Promise<ReferrerDescriptor[]>;
  /** The size of a blob the repository links, or undefined when it does not link it (whatever the blob store holds). */
  linkedBlobSize(repository: string, digest: string): Promise<number | undefined>;
  openBlob(digest: string, range?: ByteRange): Promise<OpenBlob>;
}

/** One repository in a remote region, reached as an ordinary OCI client with a token for the account. */
export interface RemoteRepository {
  /** The digest the reference (a tag) names there, or undefined when absent. */
  manifestDigest(reference: string): Promise<string | undefined>;
  hasBlob(digest: string): Promise<boolean>;
  /** Links a blob from another repository of the account there; false when the source lacks it. */
  mountBlob(digest: string, from: string): Promise<boolean>;
  startUpload(): Promise<RemoteUpload>;
  /** Bytes the remote holds of the upload, or undefined when it has forgotten the upload. */
  uploadOffset(upload: RemoteUpload): Promise<number | undefined>;
  /** Sends `range` of the blob as the next chunk; answers the upload to continue. The blob is opened only once the request can be sent. */
  sendChunk(upload: RemoteUpload, open: () => Promise<OpenBlob>, range: ByteRange): Promise<RemoteUpload>;
  /** Sends the whole blob in one request and commits it. */
  sendWhole(upload: RemoteUpload, open: () => Promise<OpenBlob>, size: number, digest: string): Promise<void>;
  finishUpload(upload: RemoteUpload, digest: string): Promise<void>;
  putManifest(reference: string, mediaType: string, content: Buffer): Promise<void>;
}

export interface RemoteRegistries {
  /** A client of `repository` at the region's URL, signed in as the sync peer for the account; `mountFrom` repositories are asked for pull too. */
  open(baseUrl: string, accountName: string, repository: string, mountFrom: readonly string[], signal: AbortSignal): RemoteRepository;
}

/** Runs a job later, on some replica. */
export interface SyncJobs {
  enqueue(jobId: number): Promise<void>;
}
