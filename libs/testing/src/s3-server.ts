import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { multipartUploadCalls, uploadTarget } from './s3rver-multipart';
import { bucketOf, unescapeXml, type KoaContext, type KoaMiddleware, type S3rver } from './s3rver-types';
import { storeWritesWhole } from './s3rver-whole-writes';

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
  const bucket = bucketOf(ctx.path);
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

/** A GET or HEAD of one object (not of a bucket: a listing; nor the parts of its upload: ListParts). */
function readsAnObject(ctx: KoaContext): boolean {
  return (ctx.method === 'GET' || ctx.method === 'HEAD') && /^\/[^/]+\/./.test(ctx.path) && uploadTarget(ctx) === undefined;
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
  server.middleware.unshift(...multipartUploadCalls(server.store), answerFirstByteRange, listObjectsV2WithoutDes);
  // s3rver removes a key's emptied parent directories after each delete, racing any other request
  // that deletes, writes or lists under them (500 now and then); DeleteObjects even races itself, as it
  // deletes its keys in parallel. So requests take turns (a response body still streams after its
  // turn), and so do deletes. Reads of an object race none of that, and go at once: a PUT streamed
  // from objects being read (parts assembled into a blob) would otherwise wait on its own reads.
  const inTurn = oneAtATime<[KoaContext, () => Promise<void>], void>((_ctx, next) => next());
  server.middleware.unshift((ctx, next) => (readsAnObject(ctx) ? next() : inTurn(ctx, next)));
  server.store.deleteObject = oneAtATime(server.store.deleteObject.bind(server.store));
  storeWritesWhole(server.store, incompleteDir);
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
