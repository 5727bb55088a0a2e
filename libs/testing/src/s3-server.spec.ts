// The test S3 server's multipart uploads, as S3 keeps them: listed and resumable while unfinished
// (Distribution's S3 driver resumes an upload on every request of a push), gone once aborted, and
// holding only whole parts.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Client } from 'minio';
import { startS3Server, type S3Server } from './s3-server';

const MiB = 1024 * 1024;

let s3: S3Server;
let client: Client;

beforeAll(async () => {
  s3 = await startS3Server();
  client = new Client({ endPoint: s3.endPoint, port: s3.port, useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1' });
});

afterAll(() => s3.stop());

async function unfinishedUploads(prefix: string): Promise<{ key: string; uploadId: string; size: number }[]> {
  const found: { key: string; uploadId: string; size: number }[] = [];
  for await (const upload of client.listIncompleteUploads(s3.bucket, prefix, true)) found.push({ key: upload.key, uploadId: upload.uploadId, size: upload.size });
  return found;
}

/** ListParts, read as Distribution's S3 driver reads it. */
async function listParts(key: string, uploadId: string): Promise<{ status: number; parts: { number: number; etag: string; size: number }[]; body: string }> {
  const response = await fetch(await client.presignedUrl('GET', s3.bucket, key, 60, { uploadId }));
  const body = await response.text();
  const parts = [...body.matchAll(/<Part><PartNumber>(\d+)<\/PartNumber>.*?<ETag>"([0-9a-f]+)"<\/ETag><Size>(\d+)<\/Size><\/Part>/g)].map(([, number, etag, size]) => ({
    number: Number(number),
    etag,
    size: Number(size),
  }));
  return { status: response.status, parts, body };
}

function uploadPart(key: string, uploadId: string, partNumber: number, content: Buffer): Promise<{ etag: string }> {
  return client.uploadPart({ bucketName: s3.bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} }, content);
}

it('lists the unfinished uploads under a prefix and the parts each holds, from which an upload is resumed and completed', async () => {
  const key = 'resumed/data';
  const uploadId = await client.initiateNewMultipartUpload(s3.bucket, key, {});
  const otherUploadId = await client.initiateNewMultipartUpload(s3.bucket, 'elsewhere/data', {});
  const first = randomBytes(5 * MiB);
  const second = randomBytes(1024);
  const sent = [await uploadPart(key, uploadId, 1, first), await uploadPart(key, uploadId, 2, second)];

  expect(await unfinishedUploads('resumed/')).toEqual([{ key, uploadId, size: first.length + second.length }]);
  expect((await unfinishedUploads('elsewhere/')).map((upload) => upload.uploadId)).toEqual([otherUploadId]);
  const listed = await listParts(key, uploadId);
  expect(listed.parts).toEqual([
    { number: 1, etag: sent[0].etag, size: first.length },
    { number: 2, etag: sent[1].etag, size: second.length },
  ]);

  await client.completeMultipartUpload(s3.bucket, key, uploadId, listed.parts.map((part) => ({ part: part.number, etag: part.etag })));
  const stored = await fetch(await client.presignedGetObject(s3.bucket, key, 60));
  // Compared as a whole: Jest's deep equality walks a 5 MiB buffer byte by byte.
  expect(Buffer.from(await stored.arrayBuffer()).equals(Buffer.concat([first, second]))).toBe(true);
  expect(await unfinishedUploads('resumed/')).toEqual([]);
});

it('forgets an aborted upload: not listed, its parts gone, and a second abort is NoSuchUpload', async () => {
  const key = 'aborted/data';
  const uploadId = await client.initiateNewMultipartUpload(s3.bucket, key, {});
  await uploadPart(key, uploadId, 1, randomBytes(1024));

  await client.abortMultipartUpload(s3.bucket, key, uploadId);

  expect(await unfinishedUploads('aborted/')).toEqual([]);
  const listed = await listParts(key, uploadId);
  expect(listed.status).toBe(404);
  expect(listed.body).toContain('<Code>NoSuchUpload</Code>');
  await expect(client.abortMultipartUpload(s3.bucket, key, uploadId)).rejects.toMatchObject({ code: 'NoSuchUpload' });
});

it('stores nothing of a part cut off midway: the upload still holds only its whole parts', async () => {
  const key = 'cut-off/data';
  const uploadId = await client.initiateNewMultipartUpload(s3.bucket, key, {});
  const whole = await uploadPart(key, uploadId, 1, randomBytes(1024));

  const url = new URL(await client.presignedUrl('PUT', s3.bucket, key, 60, { uploadId, partNumber: '2' }));
  const cutOff = request(url, { method: 'PUT', headers: { 'content-length': String(MiB) } });
  cutOff.on('error', () => undefined);
  cutOff.write(randomBytes(100 * 1024));
  await new Promise((resolve) => setTimeout(resolve, 200));
  cutOff.destroy();
  await new Promise((resolve) => cutOff.once('close', resolve));

  // Requests other than reads of an object take turns: this listing comes after the cut-off part's turn.
  expect((await listParts(key, uploadId)).parts).toEqual([{ number: 1, etag: whole.etag, size: 1024 }]);
});
