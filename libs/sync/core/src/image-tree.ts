import { SyncRefused } from './sync-error';
import type { SourceImages, SourceManifest } from './ports';

export interface BlobRef {
  readonly digest: string;
  readonly size: number;
}

/** Everything one tag's copy must send: blobs first, then `before` (an index's children), the tagged manifest, then `after` (referrers). */
export interface ImageTree {
  readonly root: SourceManifest;
  readonly blobs: readonly BlobRef[];
  readonly before: readonly SourceManifest[];
  readonly after: readonly SourceManifest[];
}

/** Referrers of referrers (a signature of an SBOM) are followed this deep. */
const REFERRER_DEPTH = 3;

interface Descriptor {
  digest?: unknown;
  urls?: unknown;
}

function descriptors(value: unknown): Descriptor[] {
  return Array.isArray(value) ? value.filter((d): d is Descriptor => typeof d === 'object' && d !== null) : [];
}

function parsed(manifest: SourceManifest): { manifests: Descriptor[]; blobs: Descriptor[] } {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(manifest.content.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new SyncRefused(`manifest ${manifest.digest} is not JSON`);
  }
  const config = typeof json.config === 'object' && json.config !== null ? [json.config as Descriptor] : [];
  return { manifests: descriptors(json.manifests), blobs: [...config, ...descriptors(json.layers), ...descriptors(json.blobs)] };
}

/** Indexes within indexes are followed this deep. */
const INDEX_DEPTH = 4;

/**
 * Reads what a tag holds in this region: every platform of an index (indexes within indexes too),
 * every blob, and the referrers (signatures, SBOMs) of each manifest, so that the copy is the whole
 * image as clients see it here. A blob counts only when the repository links it, with the size the
 * registry stored: a manifest cannot name another repository's blob into the copy. Foreign layers
 * (with `urls`) are not stored here and not copied, as registries do not require them.
 */
export async function readImageTree(source: SourceImages, repository: string, root: SourceManifest): Promise<ImageTree> {
  const blobs = new Map<string, BlobRef>();
  const seen = new Set<string>([root.digest]);
  const before: SourceManifest[] = [];
  const after: SourceManifest[] = [];

  const fetch = async (digest: string): Promise<SourceManifest> => {
    const manifest = await source.manifest(repository, digest);
    if (!manifest) throw new SyncRefused(`manifest ${digest} of ${repository} is missing here`);
    return manifest;
  };
  const addBlobs = async (manifest: SourceManifest) => {
    for (const d of parsed(manifest).blobs) {
      if (typeof d.digest !== 'string' || blobs.has(d.digest) || Array.isArray(d.urls)) continue;
      const size = await source.linkedBlobSize(repository, d.digest);
      if (size === undefined) throw new SyncRefused(`blob ${d.digest} named by manifest ${manifest.digest} is not in ${repository}`);
      blobs.set(d.digest, { digest: d.digest, size });
    }
  };
  /** A manifest's children, then the manifest: a parent is pushed only after what it names. */
  const addChildren = async (manifest: SourceManifest, depth: number, into: SourceManifest[]) => {
    for (const child of parsed(manifest).manifests) {
      if (typeof child.digest !== 'string' || seen.has(child.digest)) continue;
      if (depth > INDEX_DEPTH) throw new SyncRefused(`indexes of ${repository} nest deeper than ${INDEX_DEPTH}`);
      seen.add(child.digest);
      const fetched = await fetch(child.digest);
      await addBlobs(fetched);
      await addChildren(fetched, depth + 1, into);
      into.push(fetched);
    }
  };
  const addReferrers = async (digest: string, depth: number) => {
    if (depth > REFERRER_DEPTH) return;
    for (const referrer of await source.referrers(repository, digest)) {
      if (seen.has(referrer.digest)) continue;
      seen.add(referrer.digest);
      const manifest = await fetch(referrer.digest);
      await addBlobs(manifest);
      await addChildren(manifest, 1, after);
      after.push(manifest);
      await addReferrers(manifest.digest, depth + 1);
    }
  };

  await addBlobs(root);
  await addChildren(root, 1, before);
  await addReferrers(root.digest, 1);
  for (const child of [...before]) await addReferrers(child.digest, 1);
  return { root, blobs: [...blobs.values()], before, after };
}
