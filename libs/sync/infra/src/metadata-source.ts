import type { BlobStore, ByteRange, OpenBlob } from '@swr/blob-store';
import { MetadataRpc, RemoteError, type RpcClient } from '@swr/contracts';
import type { ReferrerDescriptor, SourceImages, SourceManifest } from '@swr/sync-core';

/** The codes metadata answers a missing repository or manifest with. */
const ABSENT = new Set(['NAME_UNKNOWN', 'MANIFEST_UNKNOWN']);

/** This region's images: manifests and referrers from the metadata service, blob bytes straight from the blob store. */
export class MetadataSource implements SourceImages {
  constructor(
    private readonly rpc: RpcClient,
    private readonly blobs: BlobStore,
  ) {}

  async manifest(repository: string, reference: string): Promise<SourceManifest | undefined> {
    try {
      const stored = await this.rpc.call(MetadataRpc.manifestGet, { repository, reference, withContent: true });
      return { digest: stored.digest, mediaType: stored.mediaType, content: Buffer.from(stored.content ?? '', 'base64') };
    } catch (error) {
      if (error instanceof RemoteError && ABSENT.has(error.code)) return undefined;
      throw error;
    }
  }

  async referrers(repository: string, digest: string): Promise<ReferrerDescriptor[]> {
    const { manifests } = await this.rpc.call(MetadataRpc.referrersList, { repository, digest });
    return manifests.map((m) => ({ digest: m.digest, mediaType: m.mediaType }));
  }

  async linkedBlobSize(repository: string, digest: string): Promise<number | undefined> {
    return (await this.rpc.call(MetadataRpc.blobStat, { repository, digest }))?.size;
  }

  openBlob(digest: string, range?: ByteRange): Promise<OpenBlob> {
    return this.blobs.open(digest, range);
  }
}
