import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { answerXml, bucketOf, escapeXml, type KoaContext, type KoaMiddleware, type S3rverStore } from './s3rver-types';

const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** s3rver's single account, as the owner and initiator of every upload. */
const ACCOUNT = '<ID>123456789000</ID><DisplayName>S3rver</DisplayName>';

interface UnfinishedUpload {
  readonly id: string;
  readonly key: string;
  readonly initiated: Date;
}

/**
 * The multipart-upload calls s3rver lacks, answered as S3 answers them (in one page) from the
 * directory s3rver keeps each unfinished upload in: `<uploads>/<uploadId>`, holding its `key`, its
 * `metadata`, and each part `N` beside its MD5 in `N.md5`.
 * - ListMultipartUploads: Distribution's S3 driver finds the upload it resumes on each request of a
 *   push with it; the minio client lists a key's unfinished uploads before each multipart upload.
 * - ListParts: Distribution's S3 driver reads the parts it resumes after.
 * - AbortMultipartUpload.
 */
export function multipartUploadCalls(store: S3rverStore): KoaMiddleware[] {
  const uploadsDir = (bucket: string) => store.getResourcePath(bucket, '', 'uploads');

  const listUploads: KoaMiddleware = async (ctx, next) => {
    const bucket = bucketOf(ctx.path);
    if (ctx.method !== 'GET' || bucket === undefined || !('uploads' in ctx.query)) return next();
    const prefix = typeof ctx.query['prefix'] === 'string' ? ctx.query['prefix'] : '';
    const uploads = (await unfinishedUploads(uploadsDir(bucket))).filter((upload) => upload.key.startsWith(prefix));
    answerXml(
      ctx,
      200,
      `<ListMultipartUploadsResult xmlns="${S3_XMLNS}"><Bucket>${bucket}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>` +
        `<Prefix>${escapeXml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
        uploads
          .map(
            (upload) =>
              `<Upload><Key>${escapeXml(upload.key)}</Key><UploadId>${upload.id}</UploadId><Initiator>${ACCOUNT}</Initiator>` +
              `<Owner>${ACCOUNT}</Owner><StorageClass>STANDARD</StorageClass><Initiated>${upload.initiated.toISOString()}</Initiated></Upload>`,
          )
          .join('') +
        '</ListMultipartUploadsResult>',
    );
  };

  const listParts: KoaMiddleware = async (ctx, next) => {
    const target = uploadTarget(ctx);
    if (ctx.method !== 'GET' || target === undefined) return next();
    const upload = await unfinishedUpload(uploadsDir(target.bucket), target.uploadId);
    if (upload === undefined) return answerNoSuchUpload(ctx, target.uploadId);
    const parts = await partsOf(join(uploadsDir(target.bucket), upload.id));
    answerXml(
      ctx,
      200,
      `<ListPartsResult xmlns="${S3_XMLNS}"><Bucket>${target.bucket}</Bucket><Key>${escapeXml(upload.key)}</Key><UploadId>${upload.id}</UploadId>` +
        `<Initiator>${ACCOUNT}</Initiator><Owner>${ACCOUNT}</Owner><StorageClass>STANDARD</StorageClass>` +
        `<PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${parts.at(-1)?.number ?? 0}</NextPartNumberMarker>` +
        '<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>' +
        parts
          .map(
            (part) =>
              `<Part><PartNumber>${part.number}</PartNumber><LastModified>${part.lastModified.toISOString()}</LastModified>` +
              `<ETag>"${part.md5}"</ETag><Size>${part.size}</Size></Part>`,
          )
          .join('') +
        '</ListPartsResult>',
    );
  };

  const abortUpload: KoaMiddleware = async (ctx, next) => {
    const target = uploadTarget(ctx);
    if (ctx.method !== 'DELETE' || target === undefined) return next();
    if ((await unfinishedUpload(uploadsDir(target.bucket), target.uploadId)) === undefined) return answerNoSuchUpload(ctx, target.uploadId);
    await rm(join(uploadsDir(target.bucket), target.uploadId), { recursive: true, force: true });
    ctx.body = null;
    ctx.status = 204;
  };

  return [listUploads, listParts, abortUpload];
}

/** A request on an object's unfinished upload (`/<bucket>/<key>?uploadId=`), but not on one of its parts. */
export function uploadTarget(ctx: KoaContext): { bucket: string; uploadId: string } | undefined {
  const bucket = /^\/([a-z0-9.-]+)\/./.exec(ctx.path)?.[1];
  const uploadId = ctx.query['uploadId'];
  if (bucket === undefined || typeof uploadId !== 'string' || 'partNumber' in ctx.query) return undefined;
  return { bucket, uploadId };
}

function answerNoSuchUpload(ctx: KoaContext, uploadId: string): void {
  answerXml(
    ctx,
    404,
    `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.</Message><UploadId>${escapeXml(uploadId)}</UploadId></Error>`,
  );
}

async function unfinishedUploads(uploadsDir: string): Promise<UnfinishedUpload[]> {
  const ids = await readdir(uploadsDir).catch(orWhenMissing([]));
  const uploads = await Promise.all(ids.map((id) => unfinishedUpload(uploadsDir, id)));
  return uploads
    .filter((upload): upload is UnfinishedUpload => upload !== undefined)
    .sort((a, b) => (a.key === b.key ? a.initiated.getTime() - b.initiated.getTime() : a.key < b.key ? -1 : 1));
}

/** An upload s3rver initiated; not a directory its UploadPart made for an upload ID it never issued. */
async function unfinishedUpload(uploadsDir: string, id: string): Promise<UnfinishedUpload | undefined> {
  // s3rver's IDs are hex; anything else names no upload (and no path outside the uploads).
  if (!/^[0-9a-f]+$/.test(id)) return undefined;
  const keyFile = join(uploadsDir, id, 'key');
  const [key, initiated] = await Promise.all([readFile(keyFile, 'utf8').catch(orWhenMissing(undefined)), stat(keyFile).catch(orWhenMissing(undefined))]);
  return key === undefined || initiated === undefined ? undefined : { id, key, initiated: initiated.mtime };
}

async function partsOf(uploadDir: string): Promise<{ number: number; size: number; md5: string; lastModified: Date }[]> {
  const numbers = (await readdir(uploadDir)).filter((name) => /^\d+$/.test(name)).map(Number);
  const parts = await Promise.all(
    numbers.map(async (number) => {
      const file = join(uploadDir, String(number));
      const [{ size, mtime }, md5] = await Promise.all([stat(file), readFile(`${file}.md5`, 'utf8')]);
      return { number, size, md5, lastModified: mtime };
    }),
  );
  return parts.sort((a, b) => a.number - b.number);
}

/** For a `catch`: `fallback` when the file or directory is not there (removed meanwhile), anything else rethrown. */
function orWhenMissing<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  };
}
