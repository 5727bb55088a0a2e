import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3rverStore } from './s3rver-types';

/**
 * Writes as S3 stores them: whole, and done before they are answered. s3rver writes straight to
 * the object's or part's file and serves (or lists) whatever is there, so a request cut off midway
 * left its first bytes behind as a whole object or part; and it answers as soon as the last byte is
 * handed to the file, not written, so a GET just after a CompleteMultipartUpload could read the
 * object cut short. Here every object and part goes to a file of its own in `incompleteDir` (on the
 * objects' filesystem), renamed into place once written, and, for a request's body, once every
 * byte its Content-Length declared has arrived.
 */
export function storeWritesWhole(store: S3rverStore, incompleteDir: string): void {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    // A request's body, or an object the store assembled itself from the parts of a multipart upload.
    const received = await receiveWhole(object.content, incompleteDir, async (temporary) => {
      await mkdir(dirname(objectPath), { recursive: true });
      await rename(temporary, objectPath);
    });
    await store.putMetadata(object.bucket, object.key, object.metadata, received.md5);
    return received;
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = join(store.getResourcePath(bucket, '', 'uploads'), uploadId, String(partNumber));
    return receiveWhole(content, incompleteDir, async (temporary, md5) => {
      await mkdir(dirname(partPath), { recursive: true });
      // The MD5 first: a part is listed once its file is in place, with the ETag beside it.
      await writeFile(`${partPath}.md5`, md5);
      await rename(temporary, partPath);
    });
  };
}

/** Writes `content` to a temporary file and hands it, whole, to `place`; removes it on any failure. */
async function receiveWhole(
  content: unknown,
  incompleteDir: string,
  place: (temporary: string, md5: string) => Promise<void>,
): Promise<{ size: number; md5: string }> {
  const temporary = join(incompleteDir, randomUUID());
  const hash = createHash('md5');
  let size = 0;
  try {
    if (Buffer.isBuffer(content)) {
      hash.update(content);
      size = content.length;
      await writeFile(temporary, content);
    } else if (content instanceof Readable) {
      const counting = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(content, counting, createWriteStream(temporary));
      // A cut-off request mostly fails the pipeline; this catches one that ends early instead.
      const declared = content instanceof IncomingMessage ? content.headers['content-length'] : undefined;
      if (declared !== undefined && size !== Number(declared)) throw new Error(`the body ended after ${size} of its declared ${declared} bytes`);
    } else {
      throw new Error('an object is written from a buffer or a stream');
    }
    const md5 = hash.digest('hex');
    await place(temporary, md5);
    return { size, md5 };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
