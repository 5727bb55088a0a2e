import { OciError, parseRepositoryName } from '@swr/oci';
import { asRegistryOperation } from './metadata-error';
import type { BlobLinks } from './ports';

export class BlobService {
  constructor(private readonly links: BlobLinks) {}

  async stat(repository: string, digest: string): Promise<{ size: number } | null> {
    const size = await this.links.linkedSize(repository, digest);
    return size === undefined ? null : { size };
  }

  /** Cross-repository mount: links the blob when the source repository holds it. */
  async mount(repository: string, from: string, digest: string, account?: string): Promise<{ mounted: boolean; size?: number }> {
    const size = await asRegistryOperation(() => this.links.mount(parseRepositoryName(repository), from, digest, account));
    return size === undefined ? { mounted: false } : { mounted: true, size };
  }

  /** Removes the repository's link; the bytes stay for garbage collection to judge. */
  async unlink(repository: string, digest: string): Promise<void> {
    if (!(await this.links.unlink(repository, digest))) throw new OciError('BLOB_UNKNOWN', 'blob unknown to registry', { digest });
  }
}
