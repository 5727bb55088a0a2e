import type { BlobStat, BlobStore, ByteRange, OpenBlob, UploadPart } from '@swr/blob-store';
import type { Readable, Writable } from 'node:stream';
import { secondsSince, type LatencyHistogram } from './latency-histogram';
import type { Metrics } from './metrics';

type Operation = 'writePart' | 'writeBlob' | 'readPart' | 'commitUpload' | 'deleteUpload' | 'stat' | 'open' | 'send' | 'delete' | 'presignedReadUrl';

/**
 * A blob store that times each operation it passes on, by operation and outcome (ok | error).
 * Streaming reads are timed in two parts: `open` and `readPart` until the stream is opened, `send`
 * (an opened blob's `sendTo`) until its last byte is written or the transfer fails.
 */
export class MeasuredBlobStore implements BlobStore {
  private readonly duration: LatencyHistogram<'operation' | 'outcome'>;
  readonly presignedReadUrl?: (digest: string, expirySeconds: number) => Promise<string>;

  constructor(
    private readonly inner: BlobStore,
    metrics: Metrics,
  ) {
    this.duration = metrics.histogram(
      'swr_blob_store_operation_duration_seconds',
      'Blob store operations by operation and outcome (ok | error); open and readPart until the stream is opened, send until the last byte is written',
      ['operation', 'outcome'],
    );
    // Only a store that presigns may look as if it did: callers test for the method.
    const presign = inner.presignedReadUrl?.bind(inner);
    if (presign) this.presignedReadUrl = (digest, expirySeconds) => this.timed('presignedReadUrl', () => presign(digest, expirySeconds));
  }

  writePart(uploadId: string, body: Readable, length?: number): Promise<UploadPart> {
    return this.timed('writePart', () => this.inner.writePart(uploadId, body, length));
  }

  writeBlob(uploadId: string, digest: string, body: Readable, verify: () => void, length?: number): Promise<number> {
    return this.timed('writeBlob', () => this.inner.writeBlob(uploadId, digest, body, verify, length));
  }

  readPart(uploadId: string, partId: string): Promise<Readable> {
    return this.timed('readPart', () => this.inner.readPart(uploadId, partId));
  }

  commitUpload(uploadId: string, parts: readonly UploadPart[], digest: string): Promise<void> {
    return this.timed('commitUpload', () => this.inner.commitUpload(uploadId, parts, digest));
  }

  deleteUpload(uploadId: string): Promise<void> {
    return this.timed('deleteUpload', () => this.inner.deleteUpload(uploadId));
  }

  stat(digest: string): Promise<BlobStat | undefined> {
    return this.timed('stat', () => this.inner.stat(digest));
  }

  async open(digest: string, range?: ByteRange): Promise<OpenBlob> {
    const blob = await this.timed('open', () => this.inner.open(digest, range));
    return { sendTo: (destination: Writable) => this.timed('send', () => blob.sendTo(destination)) };
  }

  delete(digest: string): Promise<void> {
    return this.timed('delete', () => this.inner.delete(digest));
  }

  private async timed<T>(operation: Operation, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      this.duration.of(operation, 'ok').observe(secondsSince(started));
      return result;
    } catch (error) {
      this.duration.of(operation, 'error').observe(secondsSince(started));
      throw error;
    }
  }
}
