import type { Readable } from 'node:stream';
import type { ArchiveSink, StagedBlob } from './archive-importer';
import type { BlobUploads } from './blob-uploads';
import type { Manifests } from './manifests';

/** An archive import driven through the registry's own upload path and manifest PUT, as a docker push by `account`. */
export class RegistryArchiveSink implements ArchiveSink {
  constructor(
    private readonly uploads: BlobUploads,
    private readonly manifests: Manifests,
    private readonly repository: string,
    private readonly account?: string,
  ) {}

  async stage(body: Readable): Promise<StagedBlob> {
    const session = await this.uploads.start(this.repository, 'sha256', this.account);
    try {
      await this.uploads.append(this.repository, session.id, body);
    } catch (error) {
      body.resume();
      await this.uploads.cancel(this.repository, session.id).catch(() => undefined);
      throw error;
    }
    return { id: session.id };
  }

  async commit(staged: StagedBlob, digest: string): Promise<void> {
    await this.uploads.finish(this.repository, staged.id, digest);
  }

  drop(staged: StagedBlob): Promise<void> {
    return this.uploads.cancel(this.repository, staged.id);
  }

  async putManifest(reference: string, mediaType: string, body: Buffer): Promise<string> {
    return (await this.manifests.put(this.repository, reference, mediaType, body, [], this.account)).digest;
  }
}
