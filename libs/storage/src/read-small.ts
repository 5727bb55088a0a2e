import type { Readable } from 'node:stream';

/**
 * The whole body when it ends within `limit` bytes; otherwise undefined, with what was read of it
 * put back at its head, so that it streams on as it came (at no cost per chunk).
 */
export function readSmall(body: Readable, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const read: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      body.off('readable', onReadable).off('end', onEnd).off('error', onError).off('close', onClose);
      outcome();
    };
    const onReadable = () => {
      try {
        for (let chunk: Buffer | null = body.read(); chunk !== null; chunk = body.read()) {
          read.push(chunk);
          size += chunk.length;
          if (size > limit) {
            body.unshift(Buffer.concat(read, size));
            return settle(() => resolve(undefined));
          }
        }
      } catch (error) {
        settle(() => reject(error));
      }
    };
    const onEnd = () => settle(() => resolve(Buffer.concat(read, size)));
    const onError = (error: Error) => settle(() => reject(error));
    const onClose = () => settle(() => reject(body.errored ?? new Error('the body ended before all of it arrived')));
    if (body.destroyed) return onClose();
    body.on('readable', onReadable).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
