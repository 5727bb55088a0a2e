import { DescriptorPayload, MetadataRpc } from '@swr/contracts';
import { isValidTag, OciError, parseDigest, parseManifest, parseReference } from '@swr/oci';
import type { MetadataClient } from './metadata-client';

export interface ManifestContent {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly content?: Buffer;
}

export interface PushedManifest {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly subject?: string;
}

export class Manifests {
  constructor(private readonly metadata: MetadataClient) {}

  /** Validates a pushed manifest and stores it under its digest, its tag, and any `?tag=` names. */
  async put(
    repository: string,
    reference: string,
    contentType: string | undefined,
    body: Buffer,
    extraTags: readonly string[],
    account?: string,
  ): Promise<PushedManifest> {
    const ref = parseReference(reference);
    const algorithm = ref.kind === 'digest' ? parseDigest(ref.digest).algorithm : 'sha256';
    const manifest = parseManifest(body, contentType, algorithm);
    if (ref.kind === 'digest' && ref.digest !== manifest.digest) {
      throw new OciError('DIGEST_INVALID', 'manifest digest does not match its content', { digest: ref.digest, actual: manifest.digest });
    }
    const invalidTag = extraTags.find((t) => !isValidTag(t));
    if (invalidTag !== undefined) throw new OciError('MANIFEST_INVALID', 'invalid tag', { tag: invalidTag.slice(0, 200) });
    const tags = [...new Set(ref.kind === 'tag' ? [ref.tag, ...extraTags] : extraTags)];
    await this.metadata.call(MetadataRpc.manifestPut, {
      repository,
      account,
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      content: body.toString('base64'),
      tags,
      blobs: [...manifest.blobs],
      manifests: [...manifest.manifests],
      subject: manifest.subject && toDescriptor(manifest.subject),
      artifactType: manifest.artifactType,
      annotations: manifest.annotations,
    });
    return { digest: manifest.digest, tags, subject: manifest.subject?.digest };
  }

  async get(repository: string, reference: string, withContent: boolean): Promise<ManifestContent> {
    parseReference(reference);
    const stored = await this.metadata.call(MetadataRpc.manifestGet, { repository, reference, withContent });
    return { ...stored, content: stored.content === undefined ? undefined : Buffer.from(stored.content, 'base64') };
  }

  async delete(repository: string, reference: string): Promise<void> {
    parseReference(reference);
    await this.metadata.call(MetadataRpc.manifestDelete, { repository, reference });
  }

  async referrers(repository: string, digest: string, artifactType?: string): Promise<DescriptorPayload[]> {
    parseDigest(digest);
    return (await this.metadata.call(MetadataRpc.referrersList, { repository, digest, artifactType })).manifests;
  }
}

function toDescriptor(d: { mediaType: string; digest: string; size: number; artifactType?: string; annotations?: Record<string, string> }): DescriptorPayload {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size, ...(d.artifactType ? { artifactType: d.artifactType } : {}), ...(d.annotations ? { annotations: d.annotations } : {}) };
}
