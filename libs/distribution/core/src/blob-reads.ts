import { MetadataRpc } from '@swr/contracts';
import { OciError, parseDigest } from '@swr/oci';
import type { ByteRange, BlobStore, OpenBlob } from '@swr/blob-store';
import type { MetadataClient } from './metadata-client';

export type RangeRequest = { kind: 'whole' } | { kind: 'range'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * Reads `Range: bytes=a-b`, `bytes=a-` and `bytes=-n` against a blob of `size` bytes. Anything
 * else (several ranges, other units) is served whole, as RFC 9110 allows.
 */
export function parseRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (!header) return { kind: 'whole' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'whole' };
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: { start, end } };
}

/** How long a redirect to a presigned URL stays good: Distribution's default, 20 minutes. */
const REDIRECT_EXPIRY_SECONDS = 20 * 60;

export class BlobReads {
  constructor(
    private readonly metadata: MetadataClient,
    private readonly store: BlobStore,
    /** Answer blob GETs with a redirect to the store itself, where it can give one (S3's presigned URLs). */
    private readonly redirect = false,
  ) {}

  /** The size of a blob the repository links, or BLOB_UNKNOWN. */
  async stat(repository: string, digest: string): Promise<number> {
    parseDigest(digest);
    const linked = await this.metadata.call(MetadataRpc.blobStat, { repository, digest });
    if (!linked) throw new OciError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
    return linked.size;
  }

  open(digest: string, range?: ByteRange): Promise<OpenBlob> {
    return this.store.open(digest, range);
  }

  /** Where the client may fetch the blob straight from the store, when redirects are on and the store can sign one. */
  async redirectUrl(digest: string): Promise<string | undefined> {
    if (!this.redirect || !this.store.presignedReadUrl) return undefined;
    return this.store.presignedReadUrl(digest, REDIRECT_EXPIRY_SECONDS);
  }

  async unlink(repository: string, digest: string): Promise<void> {
    parseDigest(digest);
    await this.metadata.call(MetadataRpc.blobUnlink, { repository, digest });
  }
}
