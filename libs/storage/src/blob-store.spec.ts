// Test code only: the S3 adapter is tested against a real S3 server, which @swr/testing starts.
import { startS3Server, type S3Server } from '@swr/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { blobKey } from '@swr/blob-store';
import { describeBlobStoreContract } from './blob-store.contract';
import { FilesystemBlobStore } from './filesystem-blob-store';
import { S3BlobStore } from './s3-blob-store';

jest.setTimeout(30_000);

const MiB = 1024 * 1024;

/** `content` in 64 KiB chunks, as a socket delivers a body. */
function* inPieces(content: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < content.length; offset += 64 * 1024) yield content.subarray(offset, offset + 64 * 1024);
}

interface RecordingProxy {
  readonly port: number;
  /** Each request passed on, with its Content-Length. */
  readonly requests: { method: string; path: string; length: number }[];
  /** Request body bytes passed on so far. */
  bytesSent(): number;
  stop(): Promise<void>;
}

/** An HTTP proxy in front of the S3 server that records what the store sends it. */
async function startRecordingProxy(targetPort: number): Promise<RecordingProxy> {
  const requests: RecordingProxy['requests'] = [];
  let sent = 0;
  const proxy = createServer((incoming, answer) => {
    requests.push({ method: incoming.method ?? '', path: incoming.url ?? '', length: Number(incoming.headers['content-length'] ?? 0) });
    const outgoing = request({ host: '127.0.0.1', port: targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
      answer.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(answer);
    });
    outgoing.on('error', () => answer.destroy());
    incoming.on('data', (chunk: Buffer) => (sent += chunk.length));
    // A request cut off is cut off on its way to S3 too.
    incoming.on('close', () => incoming.complete || outgoing.destroy());
    incoming.pipe(outgoing);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return {
    port: (proxy.address() as AddressInfo).port,
    requests,
    bytesSent: () => sent,
    stop: () => {
      const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
      proxy.closeAllConnections();
      return closed;
    },
  };
}

describe('FilesystemBlobStore', () => {
  let rootDir: string;

  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'swr-blobs-'));
  });

  afterAll(() => rm(rootDir, { recursive: true, force: true }));

  describeBlobStoreContract('filesystem', async () => new FilesystemBlobStore(rootDir));

  it('commits a blob uploaded in chunks by renaming its upload file, not by copying its bytes', async () => {
    const store = new FilesystemBlobStore(rootDir);
    const uploadId = randomUUID();
    const chunks = Array.from({ length: 5 }, () => randomBytes(100_000));
    const parts = [];
    for (const chunk of chunks) parts.push(await store.writePart(uploadId, Readable.from([chunk])));
    const uploaded = await stat(join(rootDir, 'uploads', uploadId, 'data'));
    const digest = `sha256:${createHash('sha256').update(Buffer.concat(chunks)).digest('hex')}`;

    await store.commitUpload(uploadId, parts, digest);

    const blob = await stat(join(rootDir, blobKey(digest)));
    expect(blob.ino).toBe(uploaded.ino);
    expect(blob.size).toBe(500_000);
  });

  it('creates every prefix directory of an algorithm with its first blob, so that no later blob has a directory of its own to create and flush', async () => {
    const root = await mkdtemp(join(tmpdir(), 'swr-blobs-prefixes-'));
    const store = new FilesystemBlobStore(root);
    const uploadId = randomUUID();
    const content = randomBytes(1000);
    const part = await store.writePart(uploadId, Readable.from([content]));

    await store.commitUpload(uploadId, [part], `sha256:${createHash('sha256').update(content).digest('hex')}`);

    const prefixes = await readdir(join(root, 'blobs', 'sha256'));
    await rm(root, { recursive: true, force: true });
    expect(prefixes).toHaveLength(256);
  });

  it('takes parts in a file of their own while a lock left by a crash stands, small or large, and still commits them in order', async () => {
    const store = new FilesystemBlobStore(rootDir);
    const uploadId = randomUUID();
    await mkdir(join(rootDir, 'uploads', uploadId), { recursive: true });
    await writeFile(join(rootDir, 'uploads', uploadId, 'append.lock'), '');
    const chunks = [randomBytes(1000), randomBytes(2 * 1024 * 1024), randomBytes(2000)];
    const parts = [];
    // Sent in 64 KiB pieces, as a socket delivers them.
    for (const chunk of chunks) parts.push(await store.writePart(uploadId, Readable.from(Array.from({ length: Math.ceil(chunk.length / 65536) }, (_, i) => chunk.subarray(i * 65536, (i + 1) * 65536)))));
    const digest = `sha256:${createHash('sha256').update(Buffer.concat(chunks)).digest('hex')}`;

    await store.commitUpload(uploadId, parts, digest);

    const chunksRead: Buffer[] = [];
    await (await store.open(digest)).sendTo(new Writable({ write: (chunk: Buffer, _encoding, done) => (chunksRead.push(Buffer.from(chunk)), done()) }));
    expect(Buffer.concat(chunksRead).equals(Buffer.concat(chunks))).toBe(true);
  });
});

describe('S3BlobStore', () => {
  let server: S3Server;

  function storeFor(bucket: string): S3BlobStore {
    return new S3BlobStore({ ...server, useSSL: false, bucket });
  }

  beforeAll(async () => {
    server = await startS3Server();
  });

  afterAll(() => server.stop());

  describeBlobStoreContract('S3 (s3rver)', async () => {
    const store = storeFor(server.bucket);
    await store.ensureBucket();
    return store;
  });

  it('creates a missing bucket, and accepts one that exists', async () => {
    const store = storeFor('swr-created-at-startup');

    await store.ensureBucket();
    await store.ensureBucket();

    expect(await store.stat(`sha256:${'0'.repeat(64)}`)).toBeUndefined();
  });

  describe('a whole blob of a declared length, sent in one PUT', () => {
    let proxy: RecordingProxy;
    let store: S3BlobStore;

    beforeEach(async () => {
      proxy = await startRecordingProxy(server.port);
      store = new S3BlobStore({ ...server, port: proxy.port, useSSL: false, bucket: server.bucket, partSize: 5 * MiB });
    });

    afterEach(() => proxy.stop());

    /**
     * `content`, its last 5 bytes in a piece of their own; the body ends only once S3 has all the
     * bytes before them, so that what S3 has when the blob is verified is all a store sent before.
     */
    async function* endingOnceSent(content: Buffer): AsyncGenerator<Buffer> {
      yield* inPieces(content.subarray(0, content.length - 5));
      yield content.subarray(content.length - 5);
      const deadline = Date.now() + 5_000;
      while (proxy.bytesSent() < content.length - 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    }

    it('streams the blob in one PUT and sends its last bytes only once it is verified', async () => {
      const content = randomBytes(12 * MiB + 5);
      const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      let sentWhenVerified = -1;

      await store.writeBlob(randomUUID(), digest, Readable.from(endingOnceSent(content)), () => void (sentWhenVerified = proxy.bytesSent()), content.length);

      // No multipart upload: that would start with a POST and send its parts in PUTs of their own.
      expect(proxy.requests.filter((request) => request.method === 'PUT' || request.method === 'POST')).toEqual([{ method: 'PUT', path: expect.stringContaining(blobKey(digest)), length: content.length }]);
      expect(sentWhenVerified).toBe(content.length - 5);
      expect(await store.stat(digest)).toEqual({ size: content.length });
    });

    it('never sends the last bytes of a blob that fails verification, so S3 stores nothing', async () => {
      const content = randomBytes(12 * MiB + 5);
      const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      const refusal = new Error('digest mismatch');

      await expect(store.writeBlob(randomUUID(), digest, Readable.from(endingOnceSent(content)), () => {
        throw refusal;
      }, content.length)).rejects.toBe(refusal);

      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(proxy.bytesSent()).toBe(content.length - 5);
      expect(await store.stat(digest)).toBeUndefined();
    });
  });

  it('refuses a body shorter or longer than its declared length, and stores nothing of it', async () => {
    const store = storeFor(server.bucket);
    for (const [size, declared, message] of [[6 * MiB, 7 * MiB, 'ended after'], [7 * MiB, 6 * MiB, 'runs past']] as const) {
      const content = randomBytes(size);
      const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;

      await expect(store.writeBlob(randomUUID(), digest, Readable.from(inPieces(content)), () => undefined, declared)).rejects.toThrow(message);

      expect(await store.stat(digest)).toBeUndefined();
    }
  });

  it('hands out presigned URLs that serve the blob', async () => {
    const store = storeFor(server.bucket);
    const content = randomBytes(300);
    const uploadId = randomUUID();
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    await store.commitUpload(uploadId, [await store.writePart(uploadId, Readable.from([content]))], digest);

    const response = await fetch(await store.presignedReadUrl(digest, 60));

    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });
});
