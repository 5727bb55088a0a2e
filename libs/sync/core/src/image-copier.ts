import type { ByteRange } from '@swr/blob-store';
import { readImageTree, type BlobRef } from './image-tree';
import type { RemoteRegistries, RemoteRepository, SourceImages, SyncStore } from './ports';
import { SyncRefused } from './sync-error';

export interface CopySettings {
  /** Blobs larger than this go in chunks of this size, each acknowledged before the next, so that a failed copy resumes from the last one. */
  readonly chunkBytes: number;
  /** Blobs sent at once. */
  readonly parallelBlobs: number;
}

export interface CopyRequest {
  /** Keys the uploads it leaves at the remote: its own tries resume them, other jobs never share them. */
  readonly jobId: number;
  readonly repository: string;
  readonly tag: string;
  readonly override: boolean;
  readonly accountName: string;
  readonly regionId: string;
  readonly baseUrl: string;
  readonly targetRepository: string;
}

export interface CopyOutcome {
  readonly status: 'success' | 'existed';
  readonly detail: string;
}

/** Mount sources asked for in one token: more would make its scope long for little gain. */
const MOUNT_SOURCES = 5;

/** Runs `work` on every item, at most `limit` at a time; rejects with the first failure once the others have settled. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure) {
      const item = items[next++];
      await work(item).catch((error: unknown) => void (failure ??= { error }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}

/**
 * Copies one tag to a remote region as an ordinary OCI client would push it: the blobs the remote
 * lacks (skipped when it has them, mounted when another of the account's repositories there does,
 * streamed from the blob store otherwise), then the manifests children first, so that a client never
 * sees a manifest whose parts are missing, then the referrers.
 */
export class ImageCopier {
  constructor(
    private readonly source: SourceImages,
    private readonly remotes: RemoteRegistries,
    private readonly store: Pick<SyncStore, 'findUpload' | 'saveUpload' | 'dropUpload' | 'blobHolder' | 'rememberBlobs'>,
    private readonly settings: CopySettings,
  ) {}

  async copy(request: CopyRequest, signal: AbortSignal, onProgress: (copied: number, total: number) => void): Promise<CopyOutcome> {
    const root = await this.source.manifest(request.repository, request.tag);
    if (!root) throw new SyncRefused(`tag ${request.tag} is no longer in ${request.repository}`);
    const tree = await readImageTree(this.source, request.repository, root);
    const holders = new Map<string, string>();
    for (const blob of tree.blobs) {
      const holder = await this.store.blobHolder(request.regionId, request.accountName, blob.digest);
      if (holder && holder !== request.targetRepository) holders.set(blob.digest, holder);
    }
    const mountFrom = [...new Set(holders.values())].slice(0, MOUNT_SOURCES);
    const remote = this.remotes.open(request.baseUrl, request.accountName, request.targetRepository, mountFrom, signal);
    const target = `${request.regionId}/${request.targetRepository}:${request.tag}`;

    const existing = await remote.manifestDigest(request.tag);
    if (existing !== undefined && existing !== root.digest && !request.override) {
      return { status: 'existed', detail: `${target} holds another image (${existing}) and override is off` };
    }

    const missing: BlobRef[] = [];
    await inParallel(tree.blobs, this.settings.parallelBlobs, async (blob) => {
      if (await remote.hasBlob(blob.digest)) return;
      const holder = holders.get(blob.digest);
      if (holder && mountFrom.includes(holder) && (await remote.mountBlob(blob.digest, holder))) return;
      missing.push(blob);
    });
    const total = missing.reduce((sum, b) => sum + b.size, 0);
    let copied = 0;
    onProgress(0, total);
    await inParallel(missing, this.settings.parallelBlobs, (blob) =>
      this.sendBlob(remote, `${request.jobId}/${request.regionId}/${request.targetRepository}@${blob.digest}`, blob, (bytes) => onProgress((copied += bytes), total)),
    );
    await this.store.rememberBlobs(request.regionId, request.accountName, request.targetRepository, tree.blobs.map((b) => b.digest));

    for (const manifest of tree.before) await remote.putManifest(manifest.digest, manifest.mediaType, manifest.content);
    await remote.putManifest(request.tag, root.mediaType, root.content);
    for (const manifest of tree.after) await remote.putManifest(manifest.digest, manifest.mediaType, manifest.content);
    const what = `${tree.before.length + tree.after.length + 1} manifests, ${missing.length} of ${tree.blobs.length} blobs sent (${total} bytes)`;
    return { status: 'success', detail: existing === root.digest ? `${target} had this image already; ${what}` : `copied to ${target}: ${what}` };
  }

  /** A small blob in one request; a large one in chunks, continuing an upload an earlier try left at the remote from the offset the remote holds. */
  private async sendBlob(remote: RemoteRepository, key: string, blob: BlobRef, onBytes: (bytes: number) => void): Promise<void> {
    if (blob.size <= this.settings.chunkBytes) {
      await remote.sendWhole(await remote.startUpload(), () => this.source.openBlob(blob.digest), blob.size, blob.digest);
      onBytes(blob.size);
      return;
    }
    const earlier = await this.store.findUpload(key);
    const held = earlier && (await remote.uploadOffset(earlier));
    let upload = earlier && held !== undefined ? earlier : await remote.startUpload();
    let offset = upload === earlier ? (held ?? 0) : 0;
    if (offset > 0) onBytes(offset);
    else await this.store.saveUpload(key, upload);
    while (offset < blob.size) {
      const range: ByteRange = { start: offset, end: Math.min(offset + this.settings.chunkBytes, blob.size) - 1 };
      upload = await remote.sendChunk(upload, () => this.source.openBlob(blob.digest, range), range);
      await this.store.saveUpload(key, upload);
      onBytes(range.end - range.start + 1);
      offset = range.end + 1;
    }
    await remote.finishUpload(upload, blob.digest);
    await this.store.dropUpload(key);
  }
}
