import { z } from 'zod';

/** Names arrive already checked against the OCI grammar by the gateway; the bound keeps garbage out. */
export const repositoryName = z.string().min(3).max(255);
export const digest = z.string().regex(/^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/);
export const tag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
export const digestAlgorithm = z.enum(['sha256', 'sha512']);
export const uploadId = z.uuid();

/**
 * A stored piece of an upload. Ids are unique per write, so two racing writes at one offset never
 * overwrite each other's bytes; the offset check on append decides which one counts.
 */
export const uploadPart = z.object({ id: z.string().regex(/^[a-z0-9-]{1,64}$/), size: z.number().int().min(0) });
export type UploadPartPayload = z.infer<typeof uploadPart>;

export const uploadSession = z.object({
  id: uploadId,
  repository: repositoryName,
  algorithm: digestAlgorithm,
  /** Bytes received so far: the next chunk must start here. */
  offset: z.number().int().min(0),
  startedAt: z.iso.datetime(),
});
export type UploadSession = z.infer<typeof uploadSession>;

/** A session's parts, in order: asked for only when they are needed (the commit, a hash to rebuild), so that a chunk costs the same however many came before it. */
export const uploadParts = z.array(uploadPart);

/** A session as its closing PUT holds it: with the parts it commits. */
export const heldUpload = uploadSession.extend({ parts: uploadParts });
export type HeldUpload = z.infer<typeof heldUpload>;

export const descriptor = z.object({
  mediaType: z.string(),
  digest,
  size: z.number().int().min(0),
  artifactType: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type DescriptorPayload = z.infer<typeof descriptor>;

export const storedManifest = z.object({
  digest,
  mediaType: z.string(),
  size: z.number().int().min(0),
  /** The manifest exactly as pushed, base64: payloads are JSON, never raw bytes. */
  content: z.string().optional(),
});
export type StoredManifest = z.infer<typeof storedManifest>;

export const page = z.object({
  n: z.number().int().min(1).max(1000),
  last: z.string().max(512).optional(),
});
