// Test code only: the S3 adapter is tested against a real S3 server, which @swr/testing starts.
import { startS3Server, type S3Server } from '@swr/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describeBlobStoreContract } from './blob-store.contract';
import { FilesystemBlobStore } from './filesystem-blob-store';
import { S3BlobStore } from './s3-blob-store';

jest.setTimeout(30_000);

describe('FilesystemBlobStore', () => {
  let rootDir: string;

  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'swr-blobs-'));
  });

  afterAll(() => rm(rootDir, { recursive: true, force: true }));

  describeBlobStoreContract('filesystem', async () => new FilesystemBlobStore(rootDir));
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

  it('hands out presigned URLs that serve the blob', async () => {
    const store = storeFor(server.bucket);
    const content = randomBytes(300);
    const uploadId = randomUUID();
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    await store.writePart(uploadId, 'p0', Readable.from([content]));
    await store.commitUpload(uploadId, [{ id: 'p0', size: 300 }], digest);

    const response = await fetch(await store.presignedReadUrl(digest, 60));

    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });
});
