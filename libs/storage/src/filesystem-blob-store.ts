import { randomUUID } from 'node:crypto';
import { closeSync, createReadStream, fdatasync, fstatSync, fsync, ftruncateSync, open as openCallback, openSync, statSync, writeSync } from 'node:fs';
import { FileHandle, mkdir, open, rename, rm, rmdir, truncate, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { blobKey, partName, uploadPrefix, type BlobStat, type BlobStore, type ByteRange, type OpenBlob, type UploadPart } from '@swr/blob-store';
import { sendFileRange } from './pooled-file-sender';
import { readSmall } from './read-small';

/** Lets the write stream gather socket chunks into one `writev` instead of one write (and one pause) each. */
const WRITE_BUFFER = 4 * 1024 * 1024;
/** How much written data may wait in the page cache before a background flush starts. */
const FLUSH_EVERY = 16 * 1024 * 1024;
/** Uploads smaller than this are left to the commit's flush: a flush of their own would cost more than it saves. */
const BACKGROUND_FLUSH_FROM = 1024 * 1024;
/**
 * Bodies up to this size are read whole and written with one synchronous write, which copies them
 * into the page cache in well under a millisecond, rather than handed to libuv's thread pool to
 * write and close (two trips, ~0.35 ms each on a busy machine); a push of many small layers sends
 * nothing else.
 */
const SMALL_BODY = 256 * 1024;
/** Reads of stored parts in large pieces: few system calls and event-loop turns per byte. */
const READ_CHUNK = 2 * 1024 * 1024;
/** The upload's parts, appended end to end by the holder of the append lock. */
const DATA_FILE = 'data';
const APPEND_LOCK = 'append.lock';
/** Every two-hex-digit directory a blob key can name under its algorithm's directory. */
const PREFIXES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export interface FilesystemBlobStoreOptions {
  /** Flush each file and its directory to disk before reporting it written. Default true. */
  readonly fsync?: boolean;
}

/**
 * Blobs and uploads as files under one root: blobs at their `blobKey`, uploads under
 * `uploads/<uploadId>/`. A blob only ever appears under its digest complete and flushed, renamed
 * there from a name in its upload's directory on the same filesystem, so readers never see a
 * partial blob.
 *
 * An upload's parts are appended to one file, `data`, so that a blob uploaded in any number of
 * chunks becomes a blob by a rename, as one uploaded whole does, without copying its bytes. Only
 * the holder of the upload's append lock (a file created exclusively, so it also holds between
 * processes on a shared volume) appends, and only at the end, so the bytes of a part, once written,
 * are never touched again; the part's id records where they lie. A part that cannot take the
 * lock (a racing write of the same upload, a lock left by a crash) goes to a file of its own,
 * and a commit that finds its parts anywhere but end to end from the start of `data` copies them
 * into place instead. Until the session records a part, it is ignored, and it goes with its
 * upload's directory.
 *
 * Looking up files (stat, and opening an existing file to flush it) is synchronous: that takes a
 * microsecond or two, while handing it to libuv's thread pool costs ~40 us of CPU and two thread
 * wake-ups (measured here). What creates, renames or removes a name stays asynchronous, like
 * reading, writing and flushing data: on ext4 it can wait for a journal commit that someone's
 * fsync started, which would stall the event loop (measured: ~0.3 ms for the append lock of a
 * PATCH whose upload was being flushed). A small body's bytes are the exception (see SMALL_BODY):
 * appended to a file opened for it, they go in with one synchronous write.
 */
export class FilesystemBlobStore implements BlobStore {
  private readonly rootDir: string;
  private readonly fsync: boolean;
  /** Per algorithm directory: its prefix directories exist and their entries are on disk. */
  private readonly preparedPrefixes = new Map<string, Promise<void>>();
  /** Upload directories whose data file is being flushed in the background. */
  private readonly flushing = new Set<string>();

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
  async writePart(uploadId: string, body: Readable): Promise<UploadPart> {
    const part = await this.storePart(uploadId, body);
    const inData = dataPosition(part.id);
    if (inData && inData.start + inData.size >= BACKGROUND_FLUSH_FROM) this.flushInBackground(this.uploadDir(uploadId));
    return part;
  }

  /** A rename commits a part without copying it, so a whole blob goes the way of a chunked upload's one part. */
  async writeBlob(uploadId: string, digest: string, body: Readable, verify: () => void): Promise<number> {
    const part = await this.storePart(uploadId, body);
    verify();
    await this.commitUpload(uploadId, [part], digest);
    return part.size;
  }

  private async storePart(uploadId: string, body: Readable): Promise<UploadPart> {
    const uploadDir = this.uploadDir(uploadId);
    await mkdir(uploadDir, { recursive: true });
    const small = await readSmall(body, SMALL_BODY);
    const appended = await this.withAppendLock(uploadDir, () => (small ? this.appendSmall(uploadDir, small) : this.appendToData(uploadDir, body)));
    if (appended) return appended;
    const id = randomUUID();
    return { id, size: await this.writeNewFile(join(uploadDir, partName(id)), small ? [small] : body, false) };
  }

  /**
   * Starts flushing an upload's data file to disk without waiting for it, unless a flush of it is
   * under way already: a chunked upload's chunks then reach the disk while the next ones arrive,
   * and the commit's flush, which makes the blob durable, finds little left to write. A failed
   * flush here is not reported: the commit's own flush is the one that counts.
   */
  private flushInBackground(uploadDir: string): void {
    if (!this.fsync || this.flushing.has(uploadDir)) return;
    this.flushing.add(uploadDir);
    void syncFile(join(uploadDir, DATA_FILE), 'data')
      .catch(() => undefined)
      .finally(() => this.flushing.delete(uploadDir));
  }

  async readPart(uploadId: string, partId: string): Promise<Readable> {
    const uploadDir = this.uploadDir(uploadId);
    const inData = dataPosition(partId);
    if (inData === undefined) return (await open(join(uploadDir, partName(partId)), 'r')).createReadStream({ highWaterMark: READ_CHUNK });
    if (inData.size === 0) return Readable.from([]);
    const file = await open(join(uploadDir, DATA_FILE), 'r');
    return file.createReadStream({ start: inData.start, end: inData.start + inData.size - 1, highWaterMark: READ_CHUNK });
  }

  async commitUpload(uploadId: string, parts: readonly UploadPart[], digest: string): Promise<void> {
    const blobPath = this.blobPath(digest);
    if (statOrUndefined(blobPath) === undefined) {
      const uploadDir = this.uploadDir(uploadId);
      const inPlace = parts.length > 0 ? await this.withAppendLock(uploadDir, () => this.dataAsBlob(uploadDir, parts)) : undefined;
      const assembled = inPlace ?? (await this.assemble(uploadDir, parts));
      await this.preparePrefixes(dirname(dirname(blobPath)));
      await this.moveIntoPlace(assembled, blobPath);
    }
    await this.deleteUpload(uploadId);
  }

  /** A committed upload's directory is empty (its data became the blob): removed as such, without walking it. */
  async deleteUpload(uploadId: string): Promise<void> {
    const uploadDir = this.uploadDir(uploadId);
    try {
      await rmdir(uploadDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      await rm(uploadDir, { recursive: true, force: true });
    }
  }

  async stat(digest: string): Promise<BlobStat | undefined> {
    return statOrUndefined(this.blobPath(digest));
  }

  async open(digest: string, range?: ByteRange): Promise<OpenBlob> {
    const file = await open(this.blobPath(digest), 'r');
    let end: number;
    try {
      end = range?.end ?? fstatSync(file.fd).size - 1;
    } catch (error) {
      await file.close();
      throw error;
    }
    return { sendTo: (destination) => sendFileRange(file, range?.start ?? 0, end, destination) };
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  /**
   * Runs `work` holding the upload's append lock; undefined, without running it, when another
   * writer holds it. Rejects when the upload's directory is gone.
   */
  private async withAppendLock<T>(uploadDir: string, work: () => Promise<T | undefined>): Promise<T | undefined> {
    const lockPath = join(uploadDir, APPEND_LOCK);
    try {
      await (await open(lockPath, 'wx')).close();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw error;
    }
    try {
      return await work();
    } finally {
      await unlink(lockPath).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
  }

  /** Appends a small body to the upload's data file in one write (the caller holds the lock); one that fails is cut off again. */
  private async appendSmall(uploadDir: string, bytes: Buffer): Promise<UploadPart> {
    const fd = await openAsync(join(uploadDir, DATA_FILE), 'a');
    try {
      const start = fstatSync(fd).size;
      try {
        for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      } catch (error) {
        cutOff(fd, start);
        throw error;
      }
      return { id: `at-${start}-${bytes.length}`, size: bytes.length };
    } finally {
      closeSync(fd);
    }
  }

  /** Appends `body` to the upload's data file (the caller holds the lock); a body that fails is cut off again. */
  private async appendToData(uploadDir: string, body: Readable): Promise<UploadPart> {
    const file = await open(join(uploadDir, DATA_FILE), 'a');
    let start: number;
    try {
      start = fstatSync(file.fd).size;
    } catch (error) {
      await file.close();
      throw error;
    }
    const output = file.createWriteStream({ highWaterMark: WRITE_BUFFER });
    try {
      await pipeline(body, this.fsync ? flushingAsItGoes(file) : new PassThrough({ highWaterMark: WRITE_BUFFER }), output);
    } catch (error) {
      await truncate(join(uploadDir, DATA_FILE), start);
      throw error;
    }
    // Unique: the bytes of a part returned are never cut off or written over, so no later part starts there.
    return { id: `at-${start}-${output.bytesWritten}`, size: output.bytesWritten };
  }

  /**
   * The data file, ready to be renamed into place, when it holds exactly `parts` end to end from
   * its start (the caller holds the lock, so nothing is appended meanwhile); otherwise undefined.
   */
  private async dataAsBlob(uploadDir: string, parts: readonly UploadPart[]): Promise<string | undefined> {
    let expected = 0;
    for (const part of parts) {
      const inData = dataPosition(part.id);
      if (inData?.start !== expected || inData.size !== part.size) return undefined;
      expected += part.size;
    }
    const dataPath = join(uploadDir, DATA_FILE);
    const fd = openSync(dataPath, 'r+');
    try {
      // More bytes are a write that was never recorded (its part lost a race): those parts are copied out instead.
      if (fstatSync(fd).size !== expected) return undefined;
      if (this.fsync) await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    return dataPath;
  }

  /** Path of a complete, flushed file holding the parts in order, copied from wherever they lie. */
  private async assemble(uploadDir: string, parts: readonly UploadPart[]): Promise<string> {
    // A lone part file becomes the blob as it is: renaming copies nothing, flushing finishes its write.
    if (parts.length === 1 && dataPosition(parts[0].id) === undefined) {
      const partPath = join(uploadDir, partName(parts[0].id));
      if (this.fsync) await syncFile(partPath);
      return partPath;
    }
    await mkdir(uploadDir, { recursive: true });
    const tempPath = temporaryPath(uploadDir);
    await this.writeNewFile(tempPath, concatenateParts(uploadDir, parts), this.fsync);
    return tempPath;
  }

  /** Streams `source` into a file that must not exist yet; on failure the file is removed. */
  private async writeNewFile(path: string, source: Readable | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, durable: boolean): Promise<number> {
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

  /**
   * Creates all 256 prefix directories of an algorithm's directory at once, flushed with one fsync
   * of that directory, once per process: a blob that lands in a prefix directory it would otherwise
   * create first costs one directory fsync more (two in a fresh registry, where most blobs do).
   * Blobs of this process wait for the flush before they rename into a prefix directory.
   */
  private preparePrefixes(algorithmDir: string): Promise<void> {
    let prepared = this.preparedPrefixes.get(algorithmDir);
    if (!prepared) {
      prepared = this.makePrefixes(algorithmDir);
      this.preparedPrefixes.set(algorithmDir, prepared);
      prepared.catch(() => this.preparedPrefixes.delete(algorithmDir));
    }
    return prepared;
  }

  private async makePrefixes(algorithmDir: string): Promise<void> {
    await this.makeDirectory(algorithmDir);
    await Promise.all(PREFIXES.map((prefix) => mkdir(join(algorithmDir, prefix), { recursive: true })));
    if (this.fsync) await syncDirectory(algorithmDir);
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

/** Where a part appended to the data file starts, and its length, from its id `at-<start>-<size>`; undefined for a part in a file of its own. */
function dataPosition(partId: string): { start: number; size: number } | undefined {
  const match = /^at-(\d{1,15})-(\d{1,15})$/.exec(partId);
  if (!match) return undefined;
  return { start: Number(match[1]), size: Number(match[2]) };
}

/** The parts' bytes in order, each read with the size the session recorded (a short part fails the read). */
async function* concatenateParts(uploadDir: string, parts: readonly UploadPart[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    const inData = dataPosition(part.id);
    if (inData && inData.size !== part.size) throw new Error(`part ${part.id} is not ${part.size} bytes long`);
    const start = inData?.start;
    const path = start === undefined ? join(uploadDir, partName(part.id)) : join(uploadDir, DATA_FILE);
    let read = 0;
    if (part.size > 0) {
      for await (const chunk of createReadStream(path, { start: start ?? 0, end: (start ?? 0) + part.size - 1, highWaterMark: READ_CHUNK })) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    if (read !== part.size) throw new Error(`part ${part.id} holds ${read} of its ${part.size} bytes`);
  }
}

const openAsync = promisify(openCallback);
const fsyncAsync = promisify(fsync);
const fdatasyncAsync = promisify(fdatasync);

/** Flushes a file to disk: all of it, or with `data` its contents and size only (fdatasync), which is all a file that is renamed or read later needs. */
async function syncFile(path: string, what: 'all' | 'data' = 'all'): Promise<void> {
  const fd = openSync(path, 'r+');
  try {
    await (what === 'data' ? fdatasyncAsync(fd) : fsyncAsync(fd));
  } finally {
    closeSync(fd);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Cuts a file back to `length` after a failed write; should that fail too, the write's own error is the one to report. */
function cutOff(fd: number, length: number): void {
  try {
    ftruncateSync(fd, length);
  } catch {
    // The part is not recorded, so its bytes are never read; the commit checks the file's size.
  }
}

function statOrUndefined(path: string): BlobStat | undefined {
  try {
    return { size: statSync(path).size };
  } catch (error) {
    if (isMissingFile(error)) return undefined;
    throw error;
  }
}

function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
