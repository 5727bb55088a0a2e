import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Client, CopyDestinationOptions, CopySourceOptions, S3Error } from 'minio';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobKey, partName, uploadPrefix, type BlobStat, type BlobStore, type ByteRange, type OpenBlob, type UploadPart } from '@swr/blob-store';
import { PartAssembler } from './part-assembler';
import { putStreamed } from './streamed-put';

export interface S3BlobStoreOptions {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly bucket: string;
  readonly region?: string;
  /** Bytes buffered per multipart request, which bounds the memory each upload holds. At least 5 MiB. */
  readonly partSize?: number;
  /**
   * A body of a declared length up to this many bytes goes to S3 in one PUT, streamed as it is read;
   * longer ones, and bodies of unknown length, in a multipart upload. At most 5 GiB, S3's limit.
   */
  readonly singlePutMaxSize?: number;
}

const MiB = 1024 * 1024;
/** S3 refuses a multipart part smaller than this unless it is the last one. */
const MIN_MULTIPART_PART_SIZE = 5 * MiB;
/** The most one copy request (CopyObject or UploadPartCopy) may copy. */
const MAX_COPY_SIZE = 5 * 1024 * MiB;
const MAX_MULTIPART_PARTS = 10_000;
/** The most one PutObject may store. */
const MAX_SINGLE_PUT_SIZE = 5 * 1024 * MiB;
/** How long the URL of a streamed PUT stays valid; S3 checks it when the request starts. */
const PUT_URL_SECONDS = 15 * 60;
/** Parts of one upload on their way to S3 at once, while the next is read from the client. */
const PARTS_IN_FLIGHT = 3;

/**
 * Blobs and upload parts as objects in one bucket: parts at `uploads/<uploadId>/<partId>`, blobs at
 * their `blobKey`. An object becomes visible only when its PUT, copy or multipart upload completes,
 * which gives the port's all-or-nothing visibility without temporary names.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: Client;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly singlePutMaxSize: number;
  /** Keeps connections for streamed PUTs, which are sent here rather than by the minio client. */
  private readonly agent: HttpAgent;
  /** Set once the server refuses UploadPartCopy (s3rver does): later commits stream without asking. */
  private serverSideCopyOfPartsUnsupported = false;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.partSize = options.partSize ?? 8 * MiB;
    this.singlePutMaxSize = options.singlePutMaxSize ?? MAX_SINGLE_PUT_SIZE;
    if (this.singlePutMaxSize > MAX_SINGLE_PUT_SIZE) throw new Error(`singlePutMaxSize is over S3's limit of ${MAX_SINGLE_PUT_SIZE} bytes`);
    // Idle connections are closed before the server closes them (Node's own servers, s3rver's, after 5 s),
    // so that no PUT goes out on a connection the server has just dropped: a streamed body cannot be sent again.
    const keep = { keepAlive: true, timeout: 4_000 };
    this.agent = options.useSSL ? new HttpsAgent(keep) : new HttpAgent(keep);
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      partSize: this.partSize,
    });
  }

  /** Creates the bucket unless it exists; for start-up. */
  async ensureBucket(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.options.region ?? '');
    } catch (error) {
      // Another instance may have created it since the check.
      if (!(await this.client.bucketExists(this.bucket))) throw error;
    }
  }

  async writePart(uploadId: string, body: Readable, length?: number): Promise<UploadPart> {
    const id = randomUUID();
    return { id, size: await this.write(partKey(uploadId, id), body, length) };
  }

  /**
   * Straight to the blob's key, stored only once `verify` passes, so that no partial or unverified
   * blob is ever visible and no copy to the digest's key follows. In one PUT, which S3 does not
   * store until its last bytes, held back until then, arrive; or in a multipart upload completed
   * only then. A gateway that dies midway leaves at most an unfinished multipart upload, which holds
   * storage until the bucket's lifecycle rule expires it.
   */
  async writeBlob(_uploadId: string, digest: string, body: Readable, verify: () => void, length?: number): Promise<number> {
    if ((await this.stat(digest)) === undefined) return this.write(blobKey(digest), body, length, verify);
    let size = 0;
    for await (const chunk of body) size += (chunk as Buffer).length;
    verify();
    return size;
  }

  readPart(uploadId: string, partId: string): Promise<Readable> {
    return this.client.getObject(this.bucket, partKey(uploadId, partId));
  }

  async commitUpload(uploadId: string, parts: readonly UploadPart[], digest: string): Promise<void> {
    if ((await this.stat(digest)) === undefined) {
      await this.assemble(uploadId, parts, blobKey(digest));
    }
    await this.deleteUpload(uploadId);
  }

  async deleteUpload(uploadId: string): Promise<void> {
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(this.bucket, `${uploadPrefix(uploadId)}/`, true)) {
      if (item.name !== undefined) keys.push(item.name);
    }
    if (keys.length === 0) return;
    // minio lists the keys it could not delete instead of rejecting.
    const failures = await this.client.removeObjects(this.bucket, keys);
    if (failures.length > 0) {
      throw new Error(`could not delete ${failures.length} of ${keys.length} objects of upload ${uploadId}`);
    }
  }

  async stat(digest: string): Promise<BlobStat | undefined> {
    try {
      const { size } = await this.client.statObject(this.bucket, blobKey(digest));
      return { size };
    } catch (error) {
      if (hasCode(error, 'NotFound', 'NoSuchKey')) return undefined;
      throw error;
    }
  }

  async open(digest: string, range?: ByteRange): Promise<OpenBlob> {
    const key = blobKey(digest);
    const body = range === undefined ? await this.client.getObject(this.bucket, key) : await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1);
    return { sendTo: (destination) => pipeline(body, destination) };
  }

  async delete(digest: string): Promise<void> {
    await this.client.removeObject(this.bucket, blobKey(digest));
  }

  presignedReadUrl(digest: string, expirySeconds: number): Promise<string> {
    return this.client.presignedGetObject(this.bucket, blobKey(digest), expirySeconds);
  }

  /** Writes the parts, in order, as object `key`: copied by the server when it can, else streamed through here. */
  private async assemble(uploadId: string, parts: readonly UploadPart[], key: string): Promise<void> {
    const sources = parts.map((part) => partKey(uploadId, part.id));
    if (parts.length === 1 && parts[0].size <= MAX_COPY_SIZE) {
      await this.client.copyObject(
        new CopySourceOptions({ Bucket: this.bucket, Object: sources[0] }),
        new CopyDestinationOptions({ Bucket: this.bucket, Object: key }),
      );
      return;
    }
    if (!this.serverSideCopyOfPartsUnsupported && canCopyAsMultipartParts(parts)) {
      try {
        await this.copyAsMultipartUpload(sources, key);
        return;
      } catch (error) {
        if (!hasCode(error, 'NotImplemented')) throw error;
        this.serverSideCopyOfPartsUnsupported = true;
      }
    }
    await this.write(key, this.concatenateObjects(sources), parts.reduce((total, part) => total + part.size, 0));
  }

  /**
   * Server-side compose: one UploadPartCopy per source. Done here rather than with minio's
   * `composeObject`, which resolves instead of rejecting when a part copy fails (it returns the abort's
   * result) and splits sources over ~550 MB into ranges that all reuse one part number.
   */
  private async copyAsMultipartUpload(sources: readonly string[], key: string): Promise<void> {
    const upload = await MultipartUpload.start(this.client, this.bucket, key);
    try {
      for (const source of sources) await upload.copyPart(`${this.bucket}/${source}`);
      await upload.complete();
    } catch (error) {
      await upload.abort();
      throw error;
    }
  }

  /**
   * Streams `source` into object `key` and returns the bytes stored: in one PUT when `length` is
   * declared and S3 takes that many bytes in one, which buffers nothing and, on S3 servers that copy
   * the parts of a multipart upload into place when it completes, writes each byte once.
   */
  private async write(key: string, source: AsyncIterable<Uint8Array | string>, length: number | undefined, verify?: () => void): Promise<number> {
    if (length === undefined || length > this.singlePutMaxSize) return this.upload(key, source, verify);
    const url = new URL(await this.client.presignedPutObject(this.bucket, key, PUT_URL_SECONDS));
    await putStreamed(url, this.agent, source, length, verify);
    return length;
  }

  /**
   * Streams `source` as a multipart upload (as one PUT if it fits in one part) into object `key` and
   * returns the bytes stored. Up to PARTS_IN_FLIGHT parts go to S3 while the next one is read from
   * the source, so the client and S3 transfer side by side; memory holds about that many
   * `partSize`s per upload. The object appears only if the whole source was read, `verify` (called
   * once it has ended) did not throw, and every part was stored.
   */
  private async upload(key: string, source: AsyncIterable<Uint8Array | string>, verify?: () => void): Promise<number> {
    const parts = new PartAssembler(this.partSize);
    let total = 0;
    let multipart: MultipartUpload | undefined;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    const send = (upload: MultipartUpload, bytes: Buffer, reusable: boolean) => {
      const sent: Promise<void> = upload
        .sendPart(bytes)
        .catch((error: unknown) => void (failure ??= error))
        .finally(() => {
          inFlight.delete(sent);
          if (reusable) parts.release(bytes);
        });
      inFlight.add(sent);
    };
    try {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        parts.add(bytes);
        total += bytes.length;
        while (parts.hasPart()) {
          multipart ??= await MultipartUpload.start(this.client, this.bucket, key);
          while (inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(inFlight);
          if (failure) throw failure;
          send(multipart, parts.takePart(), true);
        }
      }
      const rest = parts.rest();
      if (multipart === undefined) {
        verify?.();
        await this.client.putObject(this.bucket, key, rest, rest.length);
      } else {
        if (rest.length > 0) send(multipart, rest, false);
        await Promise.all(inFlight);
        if (failure) throw failure;
        verify?.();
        await multipart.complete();
      }
      return total;
    } catch (error) {
      await Promise.all(inFlight);
      await multipart?.abort();
      throw error;
    }
  }

  private async *concatenateObjects(keys: readonly string[]): AsyncGenerator<Uint8Array> {
    for (const key of keys) yield* await this.client.getObject(this.bucket, key);
  }
}

/** One S3 multipart upload: parts numbered in the order they are handed over, sent or copied, several at once if need be. */
class MultipartUpload {
  private readonly parts: { part: number; etag: string }[] = [];
  private nextPart = 1;

  private constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly id: string,
  ) {}

  static async start(client: Client, bucket: string, key: string): Promise<MultipartUpload> {
    return new MultipartUpload(client, bucket, key, await client.initiateNewMultipartUpload(bucket, key, {}));
  }

  sendPart(bytes: Buffer): Promise<void> {
    return this.addPart({}, bytes);
  }

  /** `source` is `<bucket>/<key>`. */
  copyPart(source: string): Promise<void> {
    return this.addPart({ 'x-amz-copy-source': source });
  }

  /** Once every part handed over is stored. */
  async complete(): Promise<void> {
    await this.client.completeMultipartUpload(this.bucket, this.key, this.id, this.parts);
  }

  /**
   * Best effort: the caller rethrows the error that made it abort, which matters more. An upload left
   * behind holds storage until the bucket's lifecycle rule expires it (s3rver cannot abort at all).
   */
  async abort(): Promise<void> {
    await this.client.abortMultipartUpload(this.bucket, this.key, this.id).catch(() => undefined);
  }

  private async addPart(headers: Record<string, string>, bytes?: Buffer): Promise<void> {
    const partNumber = this.nextPart++;
    const { etag, part } = await this.client.uploadPart({ bucketName: this.bucket, objectName: this.key, uploadID: this.id, partNumber, headers }, bytes);
    this.parts[partNumber - 1] = { part, etag };
  }
}

function partKey(uploadId: string, partId: string): string {
  return `${uploadPrefix(uploadId)}/${partName(partId)}`;
}

/** Whether S3 accepts the parts, as they are, as the parts of a multipart upload built by copying. */
function canCopyAsMultipartParts(parts: readonly UploadPart[]): boolean {
  return (
    parts.length >= 2 &&
    parts.length <= MAX_MULTIPART_PARTS &&
    parts.every((part, i) => part.size <= MAX_COPY_SIZE && (i === parts.length - 1 || part.size >= MIN_MULTIPART_PART_SIZE))
  );
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof S3Error && error.code !== undefined && codes.includes(error.code);
}
