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
  size?: unknown;
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

/**
 * Reads what a tag holds in this region: every platform of an index, every blob, and the referrers
 * (signatures, SBOMs) of each manifest, so that the copy is the whole image as clients see it here.
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
  const addBlobs = (manifest: SourceManifest) => {
    for (const d of parsed(manifest).blobs) {
      if (typeof d.digest === 'string' && typeof d.size === 'number') blobs.set(d.digest, { digest: d.digest, size: d.size });
    }
  };
  const addReferrers = async (digest: string, depth: number) => {
    if (depth > REFERRER_DEPTH) return;
    for (const referrer of await source.referrers(repository, digest)) {
      if (seen.has(referrer.digest)) continue;
      seen.add(referrer.digest);
      const manifest = await fetch(referrer.digest);
      addBlobs(manifest);
      after.push(manifest);
      await addReferrers(manifest.digest, depth + 1);
    }
  };

  addBlobs(root);
  for (const child of parsed(root).manifests) {
    if (typeof child.digest !== 'string' || seen.has(child.digest)) continue;
    seen.add(child.digest);
    const manifest = await fetch(child.digest);
    addBlobs(manifest);
    before.push(manifest);
  }
  await addReferrers(root.digest, 1);
  for (const child of before) await addReferrers(child.digest, 1);
  return { root, blobs: [...blobs.values()], before, after };
}
