import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { readSmall } from './read-small';

const pieces = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
const drain = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('readSmall', () => {
  it('gives a body that ends within the limit whole, up to the limit itself', async () => {
    const bytes = randomBytes(1000);
    expect((await readSmall(Readable.from(pieces(bytes, 64)), 1000))?.equals(bytes)).toBe(true);
    expect((await readSmall(Readable.from([]), 1000))?.length).toBe(0);
  });

  it('leaves a larger body to stream on from its first byte, as it came', async () => {
    const bytes = randomBytes(300_000);
    const body = Readable.from(pieces(bytes, 65_536));
    expect(await readSmall(body, 100_000)).toBeUndefined();
    expect((await drain(body)).equals(bytes)).toBe(true);
  });

  it('rejects a body that fails or is cut off before its end', async () => {
    const failing = new PassThrough();
    const failed = readSmall(failing, 1000);
    failing.write(randomBytes(10));
    failing.destroy(new Error('client went away'));
    await expect(failed).rejects.toThrow('client went away');

    const cut = new PassThrough();
    const closed = readSmall(cut, 1000);
    cut.destroy();
    await expect(closed).rejects.toThrow();
    await expect(readSmall(cut, 1000)).rejects.toThrow();
  });
});
