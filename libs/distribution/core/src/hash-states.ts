import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import type { UploadSession } from '@swr/contracts';
import type { BlobStore } from '@swr/blob-store';

interface HashState {
  readonly offset: number;
  readonly hash: Hash;
}

/**
 * Running digests of uploads in progress, as a cache. Node's hash runs at memory speed but cannot
 * be serialised, so the durable truth of an upload is its session and stored parts: when a chunk
 * lands on a replica without the state (another gateway, a restart), the state is rebuilt by
 * hashing the stored parts it lacks. States are taken out while in use, so a failed write never
 * leaves a half-updated hash behind.
 */
export class HashStates {
  private readonly states = new Map<string, HashState>();

  constructor(
    private readonly store: BlobStore,
    private readonly maxEntries = 1024,
  ) {}

  /** The hash of the session's first `offset` bytes, ready to take the next chunk. */
  async resume(session: UploadSession): Promise<Hash> {
    const cached = this.states.get(session.id);
    this.states.delete(session.id);
    let offset = 0;
    let hash = createHash(session.algorithm);
    if (cached && cached.offset <= session.offset) {
      offset = cached.offset;
      hash = cached.hash;
    }
    let position = 0;
    for (const part of session.parts) {
      if (position >= offset) {
        for await (const chunk of await this.store.readPart(session.id, part.id)) hash.update(chunk as Buffer);
      } else if (position + part.size > offset) {
        // Offsets only ever land on part boundaries; anything else means the cache is not ours.
        return this.resume(session);
      }
      position += part.size;
    }
    return hash;
  }

  keep(uploadId: string, offset: number, hash: Hash): void {
    this.states.delete(uploadId);
    this.states.set(uploadId, { offset, hash });
    if (this.states.size > this.maxEntries) this.states.delete(this.states.keys().next().value as string);
  }

  forget(uploadId: string): void {
    this.states.delete(uploadId);
  }
}

/** Passes bytes through unchanged while feeding them to a hash and counting them. */
export class HashingStream extends Transform {
  bytes = 0;

  constructor(private readonly hash: Hash) {
    // Room for a few socket chunks, so that a slow disk write does not pause the socket at once.
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}
