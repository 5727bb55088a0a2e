import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import type { UploadPartPayload, UploadSession } from '@swr/contracts';
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

  /**
   * The hash of the session's first `offset` bytes, ready to take the next chunk. `parts` (the
   * session's stored parts, in order) is asked for only when this replica did not hash every chunk
   * so far itself.
   */
  async resume(session: UploadSession, parts: () => Promise<readonly UploadPartPayload[]>): Promise<Hash> {
    const cached = this.states.get(session.id);
    this.states.delete(session.id);
    if (cached && cached.offset === session.offset) return cached.hash;
    // Nothing stored yet (a fresh upload's first chunk, every blob of a docker or skopeo push): no parts to ask for.
    if (session.offset === 0) return createHash(session.algorithm);
    const stored = await parts();
    // Offsets only ever land on part boundaries; a state anywhere else is not this upload's.
    const from = cached && cached.offset < session.offset && endsOfParts(stored).has(cached.offset) ? cached : undefined;
    const hash = from?.hash ?? createHash(session.algorithm);
    let position = 0;
    for (const part of stored) {
      if (position >= (from?.offset ?? 0)) {
        for await (const chunk of await this.store.readPart(session.id, part.id)) hash.update(chunk as Buffer);
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

/** Where each part ends, and 0: the offsets a hash state may stand at. */
function endsOfParts(parts: readonly UploadPartPayload[]): Set<number> {
  const ends = new Set([0]);
  let position = 0;
  for (const part of parts) ends.add((position += part.size));
  return ends;
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
