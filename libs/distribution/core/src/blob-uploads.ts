import { MetadataRpc, UploadPartPayload, UploadSession } from '@swr/contracts';
import { DigestAlgorithm, OciError, parseDigest } from '@swr/oci';
import type { BlobStore } from '@swr/blob-store';
import { createHash, type Hash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { HashingStream, HashStates } from './hash-states';
import type { MetadataClient } from './metadata-client';

/** Upload sessions a gateway remembers, like the hash states it keeps. */
const MAX_KNOWN_SESSIONS = 1024;

/** A request's body, with its declared length (Content-Length) when it has one. */
interface Chunk {
  readonly body: Readable;
  readonly length?: number;
}

/** `Content-Range: <start>-<end>` of a chunk, inclusive. */
export interface ChunkRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Blob uploads, monolithic or chunked: bytes stream into the blob store as parts while they are
 * hashed; the metadata service keeps the session (offset and parts); a verified upload is
 * committed to its content-addressed key and linked to the repository.
 */
export class BlobUploads {
  private readonly hashes: HashStates;
  /**
   * Sessions as this gateway last left them (started, or a chunk appended), so that a PATCH need not
   * ask for its session first: a docker or skopeo push sends each blob in one PATCH right after its
   * POST. Another gateway may have moved a session on since; the append, conditional on the offset
   * it was written at, tells, and the chunk is then recorded where the upload really ends.
   */
  private readonly known = new Map<string, UploadSession>();

  constructor(
    private readonly metadata: MetadataClient,
    private readonly store: BlobStore,
  ) {
    this.hashes = new HashStates(store);
  }

  /** `account` is the pusher's: a repository this push creates is that account's. */
  async start(repository: string, algorithm: DigestAlgorithm = 'sha256', account?: string): Promise<UploadSession> {
    return this.remember(await this.metadata.call(MetadataRpc.uploadStart, { repository, algorithm, account }));
  }

  status(repository: string, id: string): Promise<UploadSession> {
    return this.metadata.call(MetadataRpc.uploadGet, { repository, id });
  }

  /**
   * PATCH: appends one chunk; with a range, it must start where the upload ends. `length` is the
   * body's declared length (its Content-Length), for the store.
   */
  async append(repository: string, id: string, body: Readable, range?: ChunkRange, length?: number): Promise<UploadSession> {
    const rangeLength = range ? range.end - range.start + 1 : undefined;
    // Refused before a byte is stored, rather than once the whole body has been.
    if (rangeLength !== undefined && length !== undefined && length !== rangeLength) throw sizeMismatch(rangeLength, length);
    const known = this.known.get(id);
    let session = known?.repository === repository ? known : await this.status(repository, id);
    if (range && range.start !== session.offset && session === known) session = await this.status(repository, id);
    if (range && range.start !== session.offset) {
      throw new OciError('RANGE_INVALID', `chunk must start at offset ${session.offset}`, { offset: session.offset });
    }
    const placement = session !== known ? 'asked' : range ? 'ranged' : 'at-end';
    return (await this.write(session, { body, length }, rangeLength, () => this.partsOf(session), placement)).session;
  }

  /** PUT: optionally a last chunk (`length` is its declared length), then the digest check and the commit. */
  async finish(repository: string, id: string, digest: string, lastChunk?: Readable, length?: number): Promise<{ digest: string; size: number }> {
    const { algorithm } = parseDigest(digest);
    const held = await this.metadata.call(MetadataRpc.uploadHold, { repository, id, digest });
    if (lastChunk && held.offset === 0) return this.finishWhole(held, digest, { body: lastChunk, length });
    let session: UploadSession = held;
    const parts = [...held.parts];
    if (lastChunk) {
      const written = await this.write(held, { body: lastChunk, length }, undefined, async () => held.parts, 'asked');
      session = written.session;
      if (written.part.size > 0) parts.push(written.part);
    }
    if (algorithm !== session.algorithm) {
      throw new OciError('DIGEST_INVALID', `upload was started for ${session.algorithm} digests`, { digest });
    }
    const hash = await this.hashes.resume(session, async () => parts);
    const actual = `${algorithm}:${hash.copy().digest('hex')}`;
    this.hashes.keep(session.id, session.offset, hash);
    if (actual !== digest) throw digestMismatch(digest, actual);

    await this.store.commitUpload(session.id, parts, digest);
    return this.complete(session, digest, session.offset);
  }

  /** POST with `?digest=`: the whole blob in one request. Nothing of it stays when it fails. */
  async monolithic(repository: string, digest: string, body: Readable, account?: string, length?: number): Promise<{ digest: string; size: number }> {
    const session = await this.start(repository, parseDigest(digest).algorithm, account);
    try {
      return await this.finish(repository, session.id, digest, body, length);
    } catch (error) {
      await this.cancel(repository, session.id).catch(() => undefined);
      throw error;
    }
  }

  async cancel(repository: string, id: string): Promise<void> {
    this.known.delete(id);
    await this.metadata.call(MetadataRpc.uploadCancel, { repository, id });
    this.hashes.forget(id);
    await this.store.deleteUpload(id);
  }

  /** Cross-repository mount; the size when the blob was linked, undefined when the source lacks it. */
  async mount(repository: string, from: string, digest: string, account?: string): Promise<number | undefined> {
    parseDigest(digest);
    const result = await this.metadata.call(MetadataRpc.blobMount, { repository, from, digest, account });
    return result.mounted ? result.size : undefined;
  }

  /** An upload refused for the account's storage quota is over: its bytes are dropped at once. */
  private async refusedOverQuota<T>(repository: string, id: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof OciError && error.code === 'DENIED') await this.cancel(repository, id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Writes one chunk after the session's parts (`parts`, asked for only if the hash must be rebuilt)
   * and records it. `placement` says where `session` came from: asked of metadata just now, or
   * remembered by this gateway, for a chunk sent with a range or for one that goes at the end.
   */
  private async write(
    session: UploadSession,
    chunk: Chunk,
    expectedLength: number | undefined,
    parts: () => Promise<readonly UploadPartPayload[]>,
    placement: 'asked' | 'ranged' | 'at-end',
  ): Promise<{ session: UploadSession; part: UploadPartPayload }> {
    const { partId, size, hash } = await this.writeChunk(session, chunk, parts);
    if (expectedLength !== undefined && size !== expectedLength) {
      throw sizeMismatch(expectedLength, size);
    }
    const part = { id: partId, size };
    let updated: UploadSession;
    try {
      updated = await this.refusedOverQuota(session.repository, session.id, () => this.record(session, part, placement));
    } catch (error) {
      if (placement !== 'asked') await this.forgetStale(session.id, error);
      throw error;
    }
    if (updated.offset === session.offset + size) this.hashes.keep(session.id, updated.offset, hash);
    return { session: this.remember(updated), part };
  }

  /**
   * Records a written part at the offset the session stood at. A remembered session may have been
   * moved on by another gateway since: a chunk sent without a range then goes where the upload
   * ends now, and the running hash, taken after the wrong bytes, is left to be rebuilt from the
   * parts. A chunk sent with a range was sent for the wrong place, and is refused as ever.
   */
  private async record(session: UploadSession, part: UploadPartPayload, placement: 'asked' | 'ranged' | 'at-end'): Promise<UploadSession> {
    const append = (offset: number) => this.metadata.call(MetadataRpc.uploadAppend, { repository: session.repository, id: session.id, offset, part });
    try {
      return await append(session.offset);
    } catch (error) {
      const current = error instanceof OciError && error.code === 'RANGE_INVALID' ? (error.detail as { offset?: unknown } | undefined)?.offset : undefined;
      if (placement !== 'at-end' || typeof current !== 'number') throw error;
      return append(current);
    }
  }

  /** A remembered session that failed to take a chunk is forgotten; if it is gone, so are the bytes just stored for it. */
  private async forgetStale(id: string, error: unknown): Promise<void> {
    this.known.delete(id);
    this.hashes.forget(id);
    if (error instanceof OciError && error.code === 'BLOB_UPLOAD_UNKNOWN') await this.store.deleteUpload(id).catch(() => undefined);
  }

  private remember(session: UploadSession): UploadSession {
    this.known.delete(session.id);
    this.known.set(session.id, session);
    if (this.known.size > MAX_KNOWN_SESSIONS) this.known.delete(this.known.keys().next().value as string);
    return session;
  }

  private async partsOf(session: UploadSession): Promise<UploadPartPayload[]> {
    return (await this.metadata.call(MetadataRpc.uploadParts, { repository: session.repository, id: session.id })).parts;
  }

  /**
   * The whole blob in the closing PUT (or a POST with its digest): the digest is known before the
   * bytes, so the store writes them straight to the blob, which becomes visible only once they hash
   * to it, with no parts to assemble or copy. The session is not told of a part, which saves a
   * metadata round trip per blob; should the write fail, it still stands at offset 0.
   */
  private async finishWhole(session: UploadSession, digest: string, { body, length }: Chunk): Promise<{ digest: string; size: number }> {
    if (parseDigest(digest).algorithm !== session.algorithm) {
      throw new OciError('DIGEST_INVALID', `upload was started for ${session.algorithm} digests`, { digest });
    }
    const hash = createHash(session.algorithm);
    const hashing = new HashingStream(hash);
    pipeline(body, hashing, () => undefined);
    const size = await this.store.writeBlob(session.id, digest, hashing, () => {
      const actual = `${session.algorithm}:${hash.digest('hex')}`;
      if (actual !== digest) throw digestMismatch(digest, actual);
    }, length);
    return this.complete(session, digest, size);
  }

  /** Records the stored blob as the session's outcome and links it to the repository. */
  private async complete(session: UploadSession, digest: string, size: number): Promise<{ digest: string; size: number }> {
    const { repository, id } = session;
    this.known.delete(id);
    await this.refusedOverQuota(repository, id, () => this.metadata.call(MetadataRpc.uploadComplete, { repository, id, digest, size }));
    this.hashes.forget(id);
    return { digest, size };
  }

  private async writeChunk(
    session: UploadSession,
    { body, length }: Chunk,
    parts: () => Promise<readonly UploadPartPayload[]>,
  ): Promise<{ partId: string; size: number; hash: Hash }> {
    const hash = await this.hashes.resume(session, parts);
    const hashing = new HashingStream(hash);
    pipeline(body, hashing, () => undefined);
    const { id, size } = await this.store.writePart(session.id, hashing, length);
    return { partId: id, size, hash };
  }
}

function sizeMismatch(expected: number, received: number): OciError {
  return new OciError('SIZE_INVALID', 'chunk length does not match Content-Range', { expected, received });
}

function digestMismatch(digest: string, actual: string): OciError {
  return new OciError('DIGEST_INVALID', 'provided digest did not match uploaded content', { digest, actual });
}
