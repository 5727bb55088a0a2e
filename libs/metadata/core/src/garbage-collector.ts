export interface GarbageSettings {
  /** How long a blob, link or untagged manifest must have been unreferenced before it goes. */
  readonly graceMs: number;
  /** Upload sessions untouched for longer than this are abandoned. */
  readonly uploadTtlMs: number;
  /** Whether untagged manifests that nothing references are collected (else kept for ever). */
  readonly collectUntagged: boolean;
  /** Rows handled per transaction: a bound on how long any row stays locked. */
  readonly batchSize: number;
  /**
   * After each batch, a pause of this fraction of the batch's own time: a collection runs in the
   * background of pushes and leaves them the machine's share they need (0.5: a third of the time idle).
   */
  readonly yieldRatio: number;
}

export const DEFAULT_GARBAGE_SETTINGS: GarbageSettings = { graceMs: 3_600_000, uploadTtlMs: 86_400_000, collectUntagged: true, batchSize: 200, yieldRatio: 0.5 };

export interface GarbageCounts {
  manifestsDeleted: number;
  linksRemoved: number;
  blobsDeleted: number;
  bytesFreed: number;
  uploadsRemoved: number;
}

export const noGarbage = (): GarbageCounts => ({ manifestsDeleted: 0, linksRemoved: 0, blobsDeleted: 0, bytesFreed: 0, uploadsRemoved: 0 });

/** Removes stored objects; answers the digests (or upload ids) it could not remove. */
export type RemoveObjects = (keys: readonly string[]) => Promise<ReadonlySet<string>>;

export interface BlobBatch {
  /** Queued digests looked at; 0 when nothing is due. */
  readonly reviewed: number;
  /** The greatest digest looked at: the next batch starts after it. */
  readonly last?: string;
  readonly linksRemoved: number;
  readonly blobsDeleted: number;
  readonly bytesFreed: number;
}

/**
 * The index side of collection. Every method works on at most `limit` rows in one transaction,
 * claims them with SKIP LOCKED (so replicas never take the same rows and a push holding a row is
 * passed over), and re-checks references after the claim, so a reference made before the claim
 * always wins. Store deletions run inside the transaction, before it commits.
 */
export interface GarbageIndex {
  /** Deletes untagged manifests pushed before `cutoff` that no index references and whose subject (if any) is gone; how many went. */
  collectManifests(cutoff: Date, limit: number): Promise<number>;
  /**
   * Reviews digests queued before `cutoff`: removes their links made before it that no manifest
   * of the repository references, then deletes the blobs nothing links or holds, calling `remove`
   * before it commits (those it could not remove stay). A digest looked at and kept is queued
   * again, after `cutoff`. Digests come in byte order, from after `after`: a run walks the queue
   * once, never over the rows it has already settled.
   */
  collectBlobs(cutoff: Date, limit: number, remove: RemoveObjects, after?: string): Promise<BlobBatch>;
  /** Drops queued digests that have no blob any more (a blob deleted meanwhile): there is nothing to review. */
  forgetVanished(cutoff: Date): Promise<void>;
  /** Ends sessions untouched since `cutoff` (and those of deleted repositories), calling `remove` with their ids; the digests they held and how many ended. */
  collectUploads(cutoff: Date, limit: number, remove: RemoveObjects): Promise<{ readonly removed: number; readonly held: readonly string[] }>;
  /** Records a stored blob that no row describes (a commit whose push never completed), so that it is reviewed like any other. */
  adopt(digest: string, size: number): Promise<void>;
  /** What a collection now would remove at its first pass (a dry run). */
  candidates(settings: GarbageSettings, now: Date): Promise<GarbageCounts>;
}

/** The parts of the blob store collection needs. */
export interface CollectedStore {
  delete(digest: string): Promise<void>;
  deleteUpload(uploadId: string): Promise<void>;
  stat(digest: string): Promise<{ size: number } | undefined>;
}

/** Removes each key with `removeOne`, a few at a time; answers those that failed. */
async function removeAll(keys: readonly string[], removeOne: (key: string) => Promise<void>, parallel = 8): Promise<ReadonlySet<string>> {
  const failed = new Set<string>();
  for (let i = 0; i < keys.length; i += parallel) {
    await Promise.all(keys.slice(i, i + parallel).map((key) => removeOne(key).catch(() => failed.add(key))));
  }
  return failed;
}

/** Runs one batch, then pauses for `yieldRatio` of the time it took. */
async function yielding<T>(settings: GarbageSettings, batch: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await batch();
  const pause = (performance.now() - started) * settings.yieldRatio;
  if (pause >= 1) await new Promise((r) => setTimeout(r, pause));
  return result;
}

/**
 * One collection, in the order that lets each step free what the one before made garbage:
 * abandoned uploads, then untagged manifests (whose blob references go with them), then links
 * and blobs. Each step repeats in batches until nothing more is due.
 */
export class GarbageCollector {
  constructor(
    private readonly index: GarbageIndex,
    private readonly store: CollectedStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The cutoffs are fixed when the run starts, so that what a run queues again it does not see again. */
  async collect(settings: GarbageSettings): Promise<GarbageCounts> {
    const started = this.now().getTime();
    const cutoff = new Date(started - settings.graceMs);
    const counts = noGarbage();
    await this.collectUploads(new Date(started - settings.uploadTtlMs), settings.batchSize, counts);
    if (settings.collectUntagged) {
      for (let deleted = -1; deleted !== 0; ) {
        deleted = await yielding(settings, () => this.index.collectManifests(cutoff, settings.batchSize));
        counts.manifestsDeleted += deleted;
      }
    }
    await this.index.forgetVanished(cutoff);
    for (let reviewed = -1, after: string | undefined; reviewed !== 0; ) {
      const batch = await yielding(settings, () => this.index.collectBlobs(cutoff, settings.batchSize, (digests) => removeAll(digests, (d) => this.store.delete(d)), after));
      reviewed = batch.reviewed;
      after = batch.last;
      counts.linksRemoved += batch.linksRemoved;
      counts.blobsDeleted += batch.blobsDeleted;
      counts.bytesFreed += batch.bytesFreed;
    }
    return counts;
  }

  dryRun(settings: GarbageSettings): Promise<GarbageCounts> {
    return this.index.candidates(settings, this.now());
  }

  private async collectUploads(cutoff: Date, batchSize: number, counts: GarbageCounts): Promise<void> {
    for (let removed = -1; removed !== 0; ) {
      const batch = await this.index.collectUploads(cutoff, batchSize, (ids) => removeAll(ids, (id) => this.store.deleteUpload(id)));
      removed = batch.removed;
      counts.uploadsRemoved += batch.removed;
      // A session that held a digest may have committed it and died before linking it: whatever
      // is stored under it gets a row, and with it a review.
      for (const digest of batch.held) {
        const stored = await this.store.stat(digest);
        if (stored) await this.index.adopt(digest, stored.size);
      }
    }
  }
}
