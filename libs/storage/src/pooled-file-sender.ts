import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

const MiB = 1024 * 1024;
/** Reads of this size keep system calls and event-loop turns per byte few (measured: 2 MiB beat 1 MiB and 4 MiB over loopback). */
const CHUNK = 2 * MiB;
/** Reads handed to the destination and not yet written out, per transfer: the next read overlaps the last write. */
const IN_FLIGHT = 4;
/** Buffers kept for the next transfers. */
const POOL_LIMIT = 16;

/**
 * Read buffers shared by every transfer. A fresh buffer per read costs page faults on every byte
 * it holds (the kernel zero-fills new pages); a reused one costs none, which doubles a cold pull.
 * A buffer comes back only once the destination has written it out (its write callback), so no
 * byte in flight is ever overwritten.
 */
const pool: Buffer[] = [];

/**
 * Writes bytes `start` to `end` (inclusive) of an open file into `destination`, ends it, and closes
 * the file (always). Rejects when the file reads short or the destination goes away first.
 */
export async function sendFileRange(file: FileHandle, start: number, end: number, destination: Writable): Promise<void> {
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const resume = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const gone = (error?: Error) => {
    failure ??= error ?? new Error('the destination closed before the end of the blob');
    resume();
  };
  const onError = (error: Error) => gone(error);
  const onClose = () => gone();
  destination.once('error', onError);
  destination.once('close', onClose);
  let inFlight = 0;
  try {
    for (let position = start; position <= end; ) {
      while (inFlight >= IN_FLIGHT && !failure) await new Promise<void>((r) => (wake = r));
      if (failure) throw failure;
      const buffer = pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
      const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK, end - position + 1), position);
      if (bytesRead === 0) throw new Error(`the file ends at ${position}, before ${end + 1}`);
      if (failure) throw failure;
      position += bytesRead;
      inFlight += 1;
      destination.write(buffer.subarray(0, bytesRead), (error) => {
        inFlight -= 1;
        if (!error && pool.length < POOL_LIMIT) pool.push(buffer);
        resume();
      });
    }
    destination.off('close', onClose);
    destination.end();
    await finished(destination);
  } finally {
    // The error listener stays: an error after the end must not go unheard and crash the process.
    destination.off('close', onClose);
    await file.close();
  }
}
