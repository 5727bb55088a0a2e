import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A throw-away S3 endpoint (s3rver) for tests, path-style, plain HTTP. */
export interface S3Server {
  readonly endPoint: '127.0.0.1';
  readonly port: number;
  readonly accessKey: string;
  readonly secretKey: string;
  /** A bucket created at start-up. */
  readonly bucket: string;
  /** Stops the server and deletes everything stored in it. */
  stop(): Promise<void>;
}

/** The fields of a Koa context the middleware below uses. */
interface KoaContext {
  readonly method: string;
  readonly path: string;
  query: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
  get(header: string): string;
  set(header: string, value: string): void;
}

type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** s3rver is a Koa application without type declarations; this is the part of it used here. */
interface S3rver {
  readonly middleware: KoaMiddleware[];
  readonly store: S3rverStore;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** The part of s3rver's filesystem store used here. */
interface S3rverStore {
  deleteObject(bucket: string, key: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  getResourcePath(bucket: string, key: string, resourceType: string): string;
}

/** The object of a PUT, as s3rver's controller hands it to its store. */
interface S3rverObject {
  readonly bucket: string;
  readonly key: string;
  readonly content: unknown;
  readonly metadata: Record<string, string>;
}

interface S3rverOptions {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}

// A typed load: a plain `import` of an untyped package does not compile under `strict`.
const S3rver = createRequire(__filename)('s3rver') as new (options: S3rverOptions) => S3rver;

/** s3rver's single account. */
const CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' } as const;

/**
 * `GET /<bucket>?uploads` (ListMultipartUploads): s3rver does not implement it, and the minio client
 * lists a key's unfinished uploads before each multipart upload, to resume one. An empty list makes it
 * start afresh.
 */
const answerListMultipartUploads: KoaMiddleware = async (ctx, next) => {
  const bucket = /^\/([a-z0-9.-]+)\/?$/.exec(ctx.path)?.[1];
  if (ctx.method !== 'GET' || bucket === undefined || !('uploads' in ctx.query)) return next();
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<Bucket>${bucket}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
    '<MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>' +
    '</ListMultipartUploadsResult>';
};

/**
 * `Range: bytes=0-0`: s3rver reads the end 0 as "no end" and sends the whole object (with status 206).
 * Cut its answer down to the first byte, as S3 sends it.
 */
const answerFirstByteRange: KoaMiddleware = async (ctx, next) => {
  await next();
  if (ctx.method !== 'GET' || ctx.get('range') !== 'bytes=0-0' || ctx.status !== 206) return;
  const whole = ctx.body as Readable;
  let firstByte = Buffer.alloc(0);
  for await (const chunk of whole) {
    firstByte = Buffer.from(chunk).subarray(0, 1);
    break;
  }
  const size = ctx.get('content-range').split('/')[1];
  ctx.body = firstByte;
  ctx.set('Content-Range', `bytes 0-0/${size}`);
};

/**
 * ListObjectsV2 past its first 1,000 keys: s3rver seals its continuation tokens with DES, which
 * OpenSSL 3 no longer offers, so every truncated listing failed with 500. The listing is asked of
 * s3rver as a version 1 listing from the key the token names (`marker`), and its answer gets the
 * version 2 fields a client reads: KeyCount, and when truncated a NextContinuationToken, the last
 * key in base64url.
 */
const listObjectsV2WithoutDes: KoaMiddleware = async (ctx, next) => {
  const bucket = /^\/([a-z0-9.-]+)\/?$/.exec(ctx.path)?.[1];
  if (ctx.method !== 'GET' || bucket === undefined || ctx.query['list-type'] !== '2') return next();
  const { 'continuation-token': token, 'start-after': startAfter, ...rest } = ctx.query;
  delete rest['list-type'];
  delete rest['fetch-owner'];
  const from = typeof token === 'string' ? Buffer.from(token, 'base64url').toString() : startAfter;
  ctx.query = from ? { ...rest, marker: from } : rest;
  await next();
  if (ctx.status !== 200 || typeof ctx.body !== 'string') return;
  const keys = [...ctx.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescapeXml(match[1]));
  const truncated = ctx.body.includes('<IsTruncated>true</IsTruncated>') && keys.length > 0;
  const continuation = truncated ? `<NextContinuationToken>${Buffer.from(keys[keys.length - 1]).toString('base64url')}</NextContinuationToken>` : '';
  ctx.body = ctx.body.replace('</ListBucketResult>', `<KeyCount>${keys.length}</KeyCount>${continuation}</ListBucketResult>`);
};

const XML_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => XML_ENTITIES[name]);
}

/**
 * s3rver's PutObject, made all-or-nothing as S3's is: the body goes to a file of its own, renamed
 * into place once every byte its Content-Length declared has arrived. s3rver writes straight to the
 * object's file and serves any file there, so a request cut off midway left its first bytes behind
 * as a whole object.
 */
function putObjectWhole(store: S3rverStore, incompleteDir: string): S3rverStore['putObject'] {
  const put = store.putObject.bind(store);
  return async (object) => {
    const declared = Number(object.metadata['content-length']);
    // A request's body; the store also puts objects it assembled itself, from the parts of a multipart upload.
    if (!(object.content instanceof IncomingMessage) || !Number.isInteger(declared)) return put(object);
    const temporary = join(incompleteDir, randomUUID());
    const md5 = createHash('md5');
    let size = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(object.content, counting, createWriteStream(temporary));
      // A cut-off request mostly fails the pipeline; this catches one that ends early instead.
      if (size !== declared) throw new Error(`the body ended after ${size} of its declared ${declared} bytes`);
      const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
      await mkdir(dirname(objectPath), { recursive: true });
      await rename(temporary, objectPath);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const etag = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, etag);
    return { size, md5: etag };
  };
}

/** A GET or HEAD of one object (not of a bucket: a listing). */
function readsAnObject(ctx: KoaContext): boolean {
  return (ctx.method === 'GET' || ctx.method === 'HEAD') && /^\/[^/]+\/./.test(ctx.path);
}

/** Wraps `run` so that each call starts only once the previous one has settled. */
function oneAtATime<A extends unknown[], R>(run: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let previous: Promise<unknown> = Promise.resolve();
  return (...args) => {
    const turn = previous.then(() => run(...args));
    previous = turn.catch(() => undefined);
    return turn;
  };
}

/**
 * `dir`: where objects are kept (kept at stop; a temp dir removed at stop when not given). Bodies
 * being received go to `<dir>.incomplete` beside it, removed at stop.
 */
export async function startS3Server(place: { dir?: string } = {}): Promise<S3Server> {
  const directory = place.dir ?? (await mkdtemp(join(tmpdir(), 'swr-s3-')));
  await mkdir(directory, { recursive: true });
  // Beside the objects, on the same filesystem, so that a finished body is renamed into place.
  const incompleteDir = `${directory}.incomplete`;
  await mkdir(incompleteDir, { recursive: true });
  const removeUnlessKept = async () => {
    await rm(incompleteDir, { recursive: true, force: true });
    if (!place.dir) await rm(directory, { recursive: true, force: true });
  };
  const bucket = 'swr-test';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  // Ahead of s3rver's own middleware, so that they see its requests first and its answers last.
  server.middleware.unshift(answerListMultipartUploads, answerFirstByteRange, listObjectsV2WithoutDes);
  // s3rver removes a key's emptied parent directories after each delete, racing any other request
  // that deletes, writes or lists under them (500 now and then); DeleteObjects even races itself, as it
  // deletes its keys in parallel. So requests take turns (a response body still streams after its
  // turn), and so do deletes. Reads of an object race none of that, and go at once: a PUT streamed
  // from objects being read (parts assembled into a blob) would otherwise wait on its own reads.
  const inTurn = oneAtATime<[KoaContext, () => Promise<void>], void>((_ctx, next) => next());
  server.middleware.unshift((ctx, next) => (readsAnObject(ctx) ? next() : inTurn(ctx, next)));
  server.store.deleteObject = oneAtATime(server.store.deleteObject.bind(server.store));
  server.store.putObject = putObjectWhole(server.store, incompleteDir);
  try {
    const { port } = await server.run();
    return {
      endPoint: '127.0.0.1',
      port,
      ...CREDENTIALS,
      bucket,
      async stop() {
        await server.close();
        await removeUnlessKept();
      },
    };
  } catch (error) {
    await removeUnlessKept();
    throw error;
  }
}
