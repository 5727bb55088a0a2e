import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobKey, partName, uploadPrefix, type BlobStat, type BlobStore, type ByteRange, type OpenBlob, type UploadPart } from '@swr/blob-store';
import { sendFileRange } from './pooled-file-sender';

/** Lets the write stream gather socket chunks into one `writev` instead of one write (and one pause) each. */
const WRITE_BUFFER = 4 * 1024 * 1024;
/** How much written data may wait in the page cache before a background flush starts. */
const FLUSH_EVERY = 16 * 1024 * 1024;

export interface FilesystemBlobStoreOptions {
  /** Flush each file and its directory to disk before reporting it written. Default true. */
  readonly fsync?: boolean;
}

/**
 * Blobs and upload parts as files under one root: parts at `uploads/<uploadId>/<partId>`, blobs at
 * their `blobKey`. A blob only ever appears under its digest complete and flushed, renamed there
 * from a name in its upload's directory on the same filesystem, so readers never see a partial
 * blob. A part is written in place under its fresh id: until the session records it, it is
 * ignored, and it goes with its upload's directory.
 */
export class FilesystemBlobStore implements BlobStore {
  private readonly rootDir: string;
  private readonly fsync: boolean;

  constructor(rootDir: string, options: FilesystemBlobStoreOptions = {}) {
    // Absolute, so that the paths mkdir reports compare with ours.
    this.rootDir = resolve(rootDir);
    this.fsync = options.fsync ?? true;
  }

  /**
   * Parts are transient: they are written without waiting for the disk (in the background it
   * starts early on large ones), and the commit makes the blob durable. A crash that loses a part
   * cannot commit corrupt data either: the gateway re-hashes stored parts it has no state for.
   */
  async writePart(uploadId: string, partId: string, body: Readable): Promise<number> {
    const uploadDir = this.uploadDir(uploadId);
    await mkdir(uploadDir, { recursive: true });
    return this.writeNewFile(join(uploadDir, partName(partId)), body, false);
  }

  async readPart(uploadId: string, partId: string): Promise<Readable> {
    const file = await open(join(this.uploadDir(uploadId), partName(partId)), 'r');
    return file.createReadStream();
  }

  async commitUpload(uploadId: string, parts: readonly UploadPart[], digest: string): Promise<void> {
    const blobPath = this.blobPath(digest);
    if ((await this.stat(digest)) === undefined) {
      const assembled = await this.assemble(uploadId, parts);
      await this.makeDirectory(dirname(blobPath));
      await this.moveIntoPlace(assembled, blobPath);
    }
    await this.deleteUpload(uploadId);
  }

  async deleteUpload(uploadId: string): Promise<void> {
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async stat(digest: string): Promise<BlobStat | undefined> {
    try {
      const { size } = await stat(this.blobPath(digest));
      return { size };
    } catch (error) {
      if (isMissingFile(error)) return undefined;
      throw error;
    }
  }

  async open(digest: string, range?: ByteRange): Promise<OpenBlob> {
    const file = await open(this.blobPath(digest), 'r');
    let end: number;
    try {
      end = range?.end ?? (await file.stat()).size - 1;
    } catch (error) {
      await file.close();
      throw error;
    }
    return { sendTo: (destination) => sendFileRange(file, range?.start ?? 0, end, destination) };
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  /** Path of a complete, flushed file holding the parts in order, ready to be renamed into place. */
  private async assemble(uploadId: string, parts: readonly UploadPart[]): Promise<string> {
    const uploadDir = this.uploadDir(uploadId);
    const partPaths = parts.map((part) => join(uploadDir, partName(part.id)));
    // A lone part becomes the blob as it is: renaming copies nothing, flushing finishes its write.
    if (partPaths.length === 1) {
      if (this.fsync) await syncFile(partPaths[0]);
      return partPaths[0];
    }
    await mkdir(uploadDir, { recursive: true });
    const tempPath = temporaryPath(uploadDir);
    await this.writeNewFile(tempPath, concatenateFiles(partPaths), this.fsync);
    return tempPath;
  }

  /** Streams `source` into a file that must not exist yet; on failure the file is removed. */
  private async writeNewFile(path: string, source: Readable | AsyncIterable<Uint8Array>, durable: boolean): Promise<number> {
    // Opened before streaming so that the removal below cannot race the file's creation.
    const file = await open(path, 'wx');
    const output = file.createWriteStream({ flush: durable, highWaterMark: WRITE_BUFFER });
    try {
      await pipeline(source, this.fsync ? flushingAsItGoes(file) : new PassThrough({ highWaterMark: WRITE_BUFFER }), output);
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return output.bytesWritten;
  }

  private async moveIntoPlace(from: string, to: string): Promise<void> {
    await rename(from, to);
    // The rename itself is durable only once the directory entry reaches the disk.
    if (this.fsync) await syncDirectory(dirname(to));
  }

  /** `mkdir -p`, with the entries of the directories it creates flushed like any rename. */
  private async makeDirectory(dir: string): Promise<void> {
    const firstCreated = await mkdir(dir, { recursive: true });
    if (!this.fsync || firstCreated === undefined) return;
    for (let created = dir; created.length >= firstCreated.length; created = dirname(created)) {
      await syncDirectory(dirname(created));
    }
  }

  private uploadDir(uploadId: string): string {
    return join(this.rootDir, uploadPrefix(uploadId));
  }

  private blobPath(digest: string): string {
    return join(this.rootDir, blobKey(digest));
  }
}

/** A name no part or blob can have, unique to one writer. */
function temporaryPath(dir: string): string {
  return join(dir, `.${randomUUID()}.tmp`);
}

/**
 * Durability without a long stall at the end: while bytes keep arriving, what is already written
 * is flushed to disk in the background, one flush at a time, so that the final flush (the write
 * stream's own, at close) has little left to do.
 */
function flushingAsItGoes(file: FileHandle): Transform {
  let unflushed = 0;
  let pending: Promise<void> | undefined;
  return new Transform({
    highWaterMark: WRITE_BUFFER,
    transform(chunk: Buffer, _encoding, callback) {
      unflushed += chunk.length;
      if (unflushed >= FLUSH_EVERY && pending === undefined) {
        unflushed = 0;
        // A failed background flush is not the end: the final flush at close reports the truth.
        pending = file.datasync().then(
          () => (pending = undefined),
          () => (pending = undefined),
        );
      }
      callback(null, chunk);
    },
    flush(callback) {
      void Promise.resolve(pending).then(() => callback());
    },
  });
}

async function* concatenateFiles(paths: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const path of paths) yield* createReadStream(path);
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
