import { z } from 'zod';
import { rpc } from '../rpc';
import { descriptor, digest, digestAlgorithm, heldUpload, page, repositoryName, storedManifest, tag, uploadId, uploadPart, uploadParts, uploadSession } from './schemas';

const empty = z.object({});
const inRepository = { repository: repositoryName };
/** The pushing account (from its registry token): a repository created by the push is that account's. */
const pusher = { account: z.string().min(1).max(64).optional() };

/** Everything the gateway asks the metadata service. */
export const MetadataRpc = {
  blobStat: rpc(
    'metadata.blob.stat.v1',
    z.object({ ...inRepository, digest }),
    z.object({ size: z.number().int().min(0) }).nullable(),
  ),
  /** Links a blob another repository holds; `mounted: false` when the source does not link it. */
  blobMount: rpc(
    'metadata.blob.mount.v1',
    z.object({ ...inRepository, ...pusher, from: repositoryName, digest }),
    z.object({ mounted: z.boolean(), size: z.number().int().min(0).optional() }),
  ),
  blobUnlink: rpc('metadata.blob.unlink.v1', z.object({ ...inRepository, digest }), empty),

  uploadStart: rpc('metadata.upload.start.v2', z.object({ ...inRepository, ...pusher, algorithm: digestAlgorithm }), uploadSession),
  uploadGet: rpc('metadata.upload.get.v2', z.object({ ...inRepository, id: uploadId }), uploadSession),
  /** For the closing PUT: the session with its parts, and `digest` held, which garbage collection then leaves alone until the session ends. */
  uploadHold: rpc('metadata.upload.hold.v1', z.object({ ...inRepository, id: uploadId, digest }), heldUpload),
  uploadParts: rpc('metadata.upload.parts.v1', z.object({ ...inRepository, id: uploadId }), z.object({ parts: uploadParts })),
  /** Records a part written at `offset`; refused unless `offset` is still the session's offset. */
  uploadAppend: rpc(
    'metadata.upload.append.v2',
    z.object({ ...inRepository, id: uploadId, offset: z.number().int().min(0), part: uploadPart }),
    uploadSession,
  ),
  /** Ends the session and links the committed blob into the repository. */
  uploadComplete: rpc(
    'metadata.upload.complete.v1',
    z.object({ ...inRepository, id: uploadId, digest, size: z.number().int().min(0) }),
    empty,
  ),
  uploadCancel: rpc('metadata.upload.cancel.v1', z.object({ ...inRepository, id: uploadId }), empty),

  manifestPut: rpc(
    'metadata.manifest.put.v1',
    z.object({
      ...inRepository,
      ...pusher,
      digest,
      mediaType: z.string().max(255),
      content: z.string(),
      tags: z.array(tag).max(100),
      blobs: z.array(digest),
      manifests: z.array(digest),
      subject: descriptor.optional(),
      artifactType: z.string().max(255).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
    z.object({ digest }),
  ),
  manifestGet: rpc(
    'metadata.manifest.get.v1',
    z.object({ ...inRepository, reference: z.string().max(200), withContent: z.boolean() }),
    storedManifest,
  ),
  /** By digest removes the manifest and every tag on it; by tag removes only the tag. */
  manifestDelete: rpc('metadata.manifest.delete.v1', z.object({ ...inRepository, reference: z.string().max(200) }), empty),

  tagList: rpc(
    'metadata.tag.list.v1',
    z.object({ ...inRepository, ...page.shape }),
    z.object({ tags: z.array(z.string()), more: z.boolean() }),
  ),
  catalogList: rpc('metadata.catalog.list.v1', page, z.object({ repositories: z.array(z.string()), more: z.boolean() })),
  referrersList: rpc(
    'metadata.referrers.list.v1',
    z.object({ ...inRepository, digest, artifactType: z.string().max(255).optional() }),
    z.object({ manifests: z.array(descriptor) }),
  ),
} as const;
