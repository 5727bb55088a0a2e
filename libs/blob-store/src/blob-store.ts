import type { Readable, Writable } from 'node:stream';

/** Inclusive byte range, as HTTP `Range: bytes=start-end` names it. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface BlobStat {
  readonly size: number;
}

/** A committed blob opened for one transfer. */
export interface OpenBlob {
  /**
   * Writes the blob's bytes (the whole blob, or the range it was opened for) into `destination`
   * and ends it. Rejects when reading fails or the destination goes away first, leaving the
   * destination unfinished (the caller drops it).
   */
  sendTo(destination: Writable): Promise<void>;
}

/**
 * A stored piece of an upload, as the store named it. Ids are unique per write, so a retried or
 * racing write never replaces another's bytes; an id may also tell the store where the bytes lie.
 */
export interface UploadPart {
  readonly id: string;
  readonly size: number;
}

/**
 * Content-addressed blob storage. Blob bytes only ever stream through this port; nothing here
 * holds a whole blob in memory.
 *
 * An upload is written as parts (one per PATCH/PUT body) under its upload id and becomes
 * a blob only through `commitUpload`, which places the assembled bytes at the digest's key
 * atomically: a reader sees the whole blob or nothing. The caller verifies the digest before
 * committing (it hashes while streaming); the store does not read the data back.
 */
export interface BlobStore {
  /**
   * Streams `body` into a new part of an upload and returns it as the caller must record it (its
   * id, never reused, and the bytes written). A body that fails leaves no part behind. `length`,
   * when the sender declared it, is what the body holds (an HTTP server holds a request to its
   * Content-Length): a store may send the bytes on under it, refusing a body of another length.
   */
  writePart(uploadId: string, body: Readable, length?: number): Promise<UploadPart>;
  /** Streams a part back (to rebuild a running digest on another replica). */
  readPart(uploadId: string, partId: string): Promise<Readable>;
  /**
   * Streams a whole blob whose digest is known before its bytes (a push in one request) into the
   * blob `digest`, without the parts and assembly an upload in chunks needs. Once `body` has ended,
   * and before anything is visible under `digest`, `verify` is called: when it throws, the write
   * rejects with its error and leaves no blob. A blob already stored is kept as it is (the body is
   * still read and verified). Resolves with the bytes read, once the blob is stored. `length` is
   * as for `writePart`.
   */
  writeBlob(uploadId: string, digest: string, body: Readable, verify: () => void, length?: number): Promise<number>;
  /** Assembles the parts, in the order given, into the blob `digest`. A blob already stored is kept as it is. Removes the parts. */
  commitUpload(uploadId: string, parts: readonly UploadPart[], digest: string): Promise<void>;
  /** Removes everything written for an upload. Idempotent. */
  deleteUpload(uploadId: string): Promise<void>;
  /** Size of a committed blob, or undefined when it is not stored. */
  stat(digest: string): Promise<BlobStat | undefined>;
  /**
   * Opens a committed blob, whole or a byte range of it (the range must lie inside the blob), for
   * one `sendTo`. A missing blob rejects here, before anything is written anywhere.
   */
  open(digest: string, range?: ByteRange): Promise<OpenBlob>;
  /** Removes a committed blob. Idempotent. */
  delete(digest: string): Promise<void>;
  /** A URL a client may fetch the blob from directly, when the store supports it. */
  presignedReadUrl?(digest: string, expirySeconds: number): Promise<string>;
}

/** Where a committed blob lives: `blobs/<algorithm>/<first two hex>/<hex>`. */
export function blobKey(digest: string): string {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (colon <= 0 || !/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]{2,}$/.test(hex)) {
    throw new Error(`not a digest: ${digest.slice(0, 100)}`);
  }
  return `blobs/${algorithm}/${hex.slice(0, 2)}/${hex}`;
}

/** Part ids become storage keys: lower-case letters, digits and dashes only. */
export function partName(partId: string): string {
  if (!/^[a-z0-9-]{1,64}$/.test(partId)) throw new Error(`not a part id: ${partId.slice(0, 100)}`);
  return partId;
}

/** Upload ids become storage keys: only a UUID may be one. */
export function uploadPrefix(uploadId: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uploadId)) {
    throw new Error(`not an upload id: ${uploadId.slice(0, 100)}`);
  }
  return `uploads/${uploadId}`;
}
