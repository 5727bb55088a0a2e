// The byte paths of a registry measured with curl, a client that moves bytes over loopback faster
// than either server (its own ceiling is measured beside it), and the machine's limits that every
// figure is a fraction of: the client's ceiling against a trivial server, the disk's fdatasync
// write speed, and SHA-256 in Node.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Client } from 'minio';

const MiB = 1024 * 1024;

/** Runs curl; resolves with its `-w` figures: status, bytes down and up, and its own total time (not its start-up). */
export function curl(args) {
  return new Promise((ok, fail) => {
    const child = spawn('curl', ['-sS', '-o', '/dev/null', '-H', 'expect:', '-w', '%{http_code} %{size_download} %{size_upload} %{time_total} %header{location}', ...args]);
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`curl ${args.join(' ')}: ${err || code}`));
      const [status, down, up, seconds, location] = out.trim().split(' ');
      ok({ status: Number(status), down: Number(down), up: Number(up), seconds: Number(seconds), location });
    });
  });
}

const authArgs = (authorization) => (authorization ? ['-H', `authorization: ${authorization}`] : []);

function expectStatus(result, status, what) {
  if (result.status !== status) throw new Error(`${what}: expected ${status}, got ${result.status}`);
  return result;
}

/** MB/s (10^6 bytes) of `bytes` moved in `seconds`: the unit curl, dd and disks speak. */
const mbps = (bytes, seconds) => bytes / 1e6 / seconds;

/** A whole blob GET, as MB/s; with `follow`, through a redirect (curl sends the token to the registry only). */
export async function curlPull(base, authorization, name, digest, size, { follow = false } = {}) {
  const r = expectStatus(await curl([...authArgs(authorization), ...(follow ? ['-L'] : []), `${base}/v2/${name}/blobs/${digest}`]), 200, 'pull');
  if (r.down !== size) throw new Error(`pulled ${r.down} of ${size} bytes`);
  return mbps(size, r.seconds);
}

/** POST to open an upload, then the whole file in one PUT (`-T` streams it from disk); MB/s of the PUT. */
export async function curlPush(base, authorization, name, file, digest, size) {
  const start = expectStatus(await curl([...authArgs(authorization), '-X', 'POST', `${base}/v2/${name}/blobs/uploads/`]), 202, 'start upload');
  const url = withDigest(new URL(start.location, base), digest);
  const put = expectStatus(await curl([...authArgs(authorization), '-X', 'PUT', '-H', 'content-type: application/octet-stream', '-T', file, url]), 201, 'put');
  return mbps(size, put.seconds);
}

/** PATCHes of one chunk file each (in order, each to the Location the last answer gave), then an empty PUT; MB/s of the whole. */
export async function curlChunkedPush(base, authorization, name, chunkFiles, digest, size) {
  const start = expectStatus(await curl([...authArgs(authorization), '-X', 'POST', `${base}/v2/${name}/blobs/uploads/`]), 202, 'start upload');
  let seconds = start.seconds;
  let location = new URL(start.location, base);
  let offset = 0;
  for (const { file, length } of chunkFiles) {
    const range = `${offset}-${offset + length - 1}`;
    const r = expectStatus(await curl([...authArgs(authorization), '-X', 'PATCH', '-H', 'content-type: application/octet-stream', '-H', `content-range: ${range}`, '-T', file, location.href]), 202, 'patch');
    seconds += r.seconds;
    offset += length;
    location = new URL(r.location, base);
  }
  const put = expectStatus(await curl([...authArgs(authorization), '-X', 'PUT', '-H', 'content-length: 0', withDigest(location, digest)]), 201, 'close chunked upload');
  return mbps(size, seconds + put.seconds);
}

function withDigest(url, digest) {
  url.searchParams.set('digest', digest);
  return url.href;
}

/** curl's own ceilings on loopback: a server that answers from memory in one write, and one that discards what it is sent. */
export async function curlCeilings(file, data) {
  const server = createServer((req, res) => {
    if (req.method === 'GET') return res.writeHead(200, { 'content-length': data.length }).end(data);
    req.on('data', () => undefined);
    req.on('end', () => res.writeHead(201, { 'content-length': 0 }).end());
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    const down = await curl([url]);
    const up = await curl(['-X', 'PUT', '-T', file, url]);
    return { pull: mbps(down.down, down.seconds), push: mbps(up.up, up.seconds) };
  } finally {
    server.close();
  }
}

/** Writing `data` to a new file and flushing it to disk with fdatasync, as MB/s. */
export async function diskWriteSpeed(dir, data) {
  const path = join(dir, `disk-speed-${process.pid}`);
  const file = await open(path, 'wx');
  try {
    const t = performance.now();
    for (let at = 0; at < data.length; at += 4 * MiB) await file.write(data.subarray(at, at + 4 * MiB));
    await file.datasync();
    return mbps(data.length, (performance.now() - t) / 1000);
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
}

/** SHA-256 of `data` in 1 MiB updates, as MB/s. */
export function sha256Speed(data) {
  const hash = createHash('sha256');
  const t = performance.now();
  for (let at = 0; at < data.length; at += MiB) hash.update(data.subarray(at, at + MiB));
  hash.digest();
  return mbps(data.length, (performance.now() - t) / 1000);
}

/** The S3 server's own speed with curl: a presigned PUT of `file`, then a presigned GET of it, as MB/s. */
export async function s3Ceilings(s3, file, size) {
  const client = new Client({ endPoint: s3.endPoint, port: s3.port, useSSL: false, accessKey: s3.accessKey, secretKey: s3.secretKey, region: 'us-east-1' });
  const key = `ceiling-${process.pid}-${Date.now()}`;
  const up = expectStatus(await curl(['-X', 'PUT', '-T', file, await client.presignedPutObject(s3.bucket, key, 600)]), 200, 'S3 put');
  const down = expectStatus(await curl([await client.presignedGetObject(s3.bucket, key, 600)]), 200, 'S3 get');
  await client.removeObject(s3.bucket, key);
  const multipart = await multipartSeconds(client, s3.bucket, `${key}-multipart`, await readFile(file));
  await client.removeObject(s3.bucket, `${key}-multipart`);
  return { push: mbps(size, up.seconds), pull: mbps(size, down.seconds), multipart: mbps(size, multipart) };
}

/**
 * Seconds to store `data` as one multipart upload of 8 MiB parts, 3 on their way at a time, with
 * the minio client: how a gateway stores a pushed blob on S3 (it cannot PUT it whole, since the
 * object must not appear before its digest is checked), so that is its ceiling on this S3 server.
 */
async function multipartSeconds(client, bucket, key, data) {
  const partSize = 8 * MiB;
  const started = performance.now();
  const uploadId = await client.initiateNewMultipartUpload(bucket, key, {});
  const parts = [];
  const inFlight = new Set();
  for (let offset = 0, number = 1; offset < data.length; offset += partSize, number++) {
    while (inFlight.size >= 3) await Promise.race(inFlight);
    const partNumber = number;
    const sent = client
      .uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} }, data.subarray(offset, offset + partSize))
      .then(({ etag, part }) => (parts[partNumber - 1] = { part, etag }))
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
  await client.completeMultipartUpload(bucket, key, uploadId, parts);
  return (performance.now() - started) / 1000;
}
