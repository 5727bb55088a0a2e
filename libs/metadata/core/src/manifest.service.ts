import type { DescriptorPayload, RequestOf, StoredManifest } from '@swr/contracts';
import { MetadataRpc } from '@swr/contracts';
import { digestOf, OciError, parseDigest, parseReference, parseRepositoryName } from '@swr/oci';
import { asRegistryOperation } from './metadata-error';
import type { ManifestIndex, ManifestLookup, PageRequest } from './ports';

type PutRequest = RequestOf<typeof MetadataRpc.manifestPut>;

function found(repository: string, reference: string, lookup: ManifestLookup): NonNullable<Extract<ManifestLookup, { repository: true }>['manifest']> {
  if (!lookup.repository) throw new OciError('NAME_UNKNOWN', 'repository name not known to registry', { name: repository });
  if (!lookup.manifest) throw new OciError('MANIFEST_UNKNOWN', 'manifest unknown to registry', { reference });
  return lookup.manifest;
}

export class ManifestService {
  constructor(private readonly index: ManifestIndex) {}

  async put(request: PutRequest): Promise<{ digest: string }> {
    const content = Buffer.from(request.content, 'base64');
    // The gateway hashed what the client sent; what arrives here must still be those bytes.
    if (digestOf(content, parseDigest(request.digest).algorithm) !== request.digest) {
      throw new OciError('DIGEST_INVALID', 'manifest content does not match its digest', { digest: request.digest });
    }
    const missing = await asRegistryOperation(() =>
      this.index.put({
      repository: parseRepositoryName(request.repository),
      account: request.account,
      digest: request.digest,
      mediaType: request.mediaType,
      content,
      tags: [...new Set(request.tags)],
      blobs: request.blobs,
      manifests: request.manifests,
      subject: request.subject,
      artifactType: request.artifactType,
      annotations: request.annotations,
      }),
    );
    if (missing) {
      throw new OciError('MANIFEST_BLOB_UNKNOWN', 'manifest references content unknown to the repository', {
        blobs: missing.blobs.slice(0, 20),
        manifests: missing.manifests.slice(0, 20),
      });
    }
    return { digest: request.digest };
  }

  async get(repository: string, reference: string, withContent: boolean): Promise<StoredManifest> {
    const ref = parseReference(reference);
    const lookup =
      ref.kind === 'tag'
        ? await this.index.findByTag(repository, ref.tag, withContent)
        : await this.index.findByDigest(repository, ref.digest, withContent);
    const manifest = found(repository, reference, lookup);
    const stored: StoredManifest = { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size };
    if (manifest.content) stored.content = manifest.content.toString('base64');
    return stored;
  }

  /** By digest the manifest goes with every tag on it; by tag only the tag goes. */
  async delete(repository: string, reference: string): Promise<void> {
    const ref = parseReference(reference);
    const lookup = ref.kind === 'tag' ? await this.index.deleteTag(repository, ref.tag) : await this.index.deleteByDigest(repository, ref.digest);
    found(repository, reference, lookup);
  }

  async listTags(repository: string, page: PageRequest): Promise<{ tags: string[]; more: boolean }> {
    const tags = await this.index.listTags(repository, page);
    if (!tags) throw new OciError('NAME_UNKNOWN', 'repository name not known to registry', { name: repository });
    return { tags: tags.slice(0, page.n), more: tags.length > page.n };
  }

  async listRepositories(page: PageRequest): Promise<{ repositories: string[]; more: boolean }> {
    const names = await this.index.listRepositories(page);
    return { repositories: names.slice(0, page.n), more: names.length > page.n };
  }

  async listReferrers(repository: string, subject: string, artifactType?: string): Promise<{ manifests: DescriptorPayload[] }> {
    return { manifests: await this.index.listReferrers(repository, subject, artifactType) };
  }
}
