import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import type { BlobStore, OpenBlob, UploadPart } from '@swr/blob-store';

const MiB = 1024 * 1024;

/**
 * The behaviour every BlobStore adapter must show, as one Jest suite. `createStore` runs once, before
 * the suite's tests; the tests share the store and use fresh upload ids and digests.
 */
export function describeBlobStoreContract(name: string, createStore: () => Promise<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;

    beforeAll(async () => {
      store = await createStore();
    });

    /** Writes each buffer as one part and returns the parts as a caller would record them. */
    async function writeParts(uploadId: string, contents: readonly Buffer[]): Promise<UploadPart[]> {
      const parts: UploadPart[] = [];
      for (const content of contents) parts.push(await store.writePart(uploadId, Readable.from([content])));
      return parts;
    }

    /** Uploads `contents` as parts and commits them under the digest of their concatenation. */
    async function storeBlob(...contents: Buffer[]): Promise<string> {
      const uploadId = randomUUID();
      const digest = digestOf(Buffer.concat(contents));
      await store.commitUpload(uploadId, await writeParts(uploadId, contents), digest);
      return digest;
    }

    async function readBlob(digest: string, range?: { start: number; end: number }): Promise<Buffer> {
      return readAll(await store.open(digest, range));
    }

    it('stores one part as a blob that reads back whole, with its size', async () => {
      const content = randomBytes(1000);
      const uploadId = randomUUID();
      const digest = digestOf(content);

      const part = await store.writePart(uploadId, Readable.from([content]));
      expect(part.size).toBe(1000);
      await store.commitUpload(uploadId, [part], digest);

      expect(await store.stat(digest)).toEqual({ size: 1000 });
      expect((await readBlob(digest)).equals(content)).toBe(true);
    });

    it('stores parts whose length is declared, small or past one S3 request, that assemble like any other', async () => {
      const contents = [randomBytes(1000), randomBytes(9 * MiB + 5)];
      const uploadId = randomUUID();
      const parts: UploadPart[] = [];
      for (const content of contents) parts.push(await store.writePart(uploadId, Readable.from(generateFrom(content)), content.length));

      expect(parts.map((part) => part.size)).toEqual([1000, 9 * MiB + 5]);
      const digest = digestOf(Buffer.concat(contents));
      await store.commitUpload(uploadId, parts, digest);
      expect((await readBlob(digest)).equals(Buffer.concat(contents))).toBe(true);
    });

    it('counts the bytes of a body that arrives in many chunks', async () => {
      const chunks = [randomBytes(10), randomBytes(70_000), randomBytes(1)];
      const uploadId = randomUUID();

      expect((await store.writePart(uploadId, Readable.from(chunks))).size).toBe(70_011);
      await store.deleteUpload(uploadId);
    });

    it('assembles small parts in the order given, whatever the order they were written in', async () => {
      const contents = [randomBytes(1), randomBytes(1000), randomBytes(70_000)];
      const uploadId = randomUUID();
      const digest = digestOf(Buffer.concat(contents));
      const parts = (await writeParts(uploadId, [...contents].reverse())).reverse();

      await store.commitUpload(uploadId, parts, digest);

      expect(await store.stat(digest)).toEqual({ size: 71_001 });
      expect((await readBlob(digest)).equals(Buffer.concat(contents))).toBe(true);
    });

    it('assembles parts of 5 MiB and more (what S3 can compose server-side), twice in a row', async () => {
      for (let round = 0; round < 2; round++) {
        const contents = [randomBytes(5 * MiB), randomBytes(6 * MiB), randomBytes(100)];
        const digest = await storeBlob(...contents);

        expect(await store.stat(digest)).toEqual({ size: 11 * MiB + 100 });
        expect(digestOf(await readBlob(digest))).toBe(digest);
      }
    });

    it('writes a whole blob straight under its digest once it is verified, small or past one S3 request, its length declared or not', async () => {
      for (const [size, declared] of [[1000, false], [9 * MiB + 5, false], [1000, true], [9 * MiB + 5, true]] as const) {
        const content = randomBytes(size);
        const digest = digestOf(content);
        let yielded = 0;
        let yieldedWhenVerified = -1;
        const body = Readable.from(generate(size, (chunk) => (yielded += chunk.length), content));

        expect(await store.writeBlob(randomUUID(), digest, body, () => void (yieldedWhenVerified = yielded), declared ? size : undefined)).toBe(size);

        expect(yieldedWhenVerified).toBe(size);
        expect(await store.stat(digest)).toEqual({ size });
        expect((await readBlob(digest)).equals(content)).toBe(true);
      }
    });

    it('leaves nothing under the digest when a whole blob fails verification, small or past one S3 request, its length declared or not', async () => {
      for (const [size, declared] of [[1000, false], [9 * MiB + 5, false], [1000, true], [9 * MiB + 5, true]] as const) {
        const digest = digestOf(randomBytes(8));
        const refusal = new Error('digest mismatch');

        await expect(store.writeBlob(randomUUID(), digest, Readable.from(generateFrom(randomBytes(size))), () => {
          throw refusal;
        }, declared ? size : undefined)).rejects.toBe(refusal);

        expect(await store.stat(digest)).toBeUndefined();
      }
    });

    it('leaves nothing under the digest when the body of a whole blob fails midway, its length declared or not', async () => {
      for (const declared of [undefined, 10 * MiB]) {
        const digest = digestOf(randomBytes(8));
        const verify = jest.fn();

        await expect(store.writeBlob(randomUUID(), digest, Readable.from(failAfter(9 * MiB, new Error('client went away'))), verify, declared)).rejects.toThrow('client went away');

        expect(verify).not.toHaveBeenCalled();
        expect(await store.stat(digest)).toBeUndefined();
      }
    });

    it('keeps a blob already stored when the same blob is written whole again, still reading and verifying the body', async () => {
      const original = randomBytes(100);
      const digest = await storeBlob(original);
      const verify = jest.fn();

      // Different bytes under the same digest show which copy survived (the caller verifies digests).
      expect(await store.writeBlob(randomUUID(), digest, Readable.from([randomBytes(100)]), verify)).toBe(100);

      expect(verify).toHaveBeenCalledTimes(1);
      expect((await readBlob(digest)).equals(original)).toBe(true);
    });

    it('reads a part back before the upload is committed', async () => {
      const uploadId = randomUUID();
      const content = randomBytes(70_000);
      const part = await store.writePart(uploadId, Readable.from([content]));

      const chunks: Buffer[] = [];
      for await (const chunk of await store.readPart(uploadId, part.id)) chunks.push(chunk as Buffer);

      expect(Buffer.concat(chunks).equals(content)).toBe(true);
      await store.deleteUpload(uploadId);
    });

    it('commits an empty upload as an empty blob', async () => {
      const uploadId = randomUUID();
      const empty = Buffer.alloc(0);
      const digest = digestOf(empty);

      await store.commitUpload(uploadId, [], digest);

      expect(await store.stat(digest)).toEqual({ size: 0 });
      expect(await readBlob(digest)).toHaveLength(0);
    });

    it('reads inclusive byte ranges: the first byte, a middle span, the last byte', async () => {
      const content = randomBytes(1000);
      const digest = await storeBlob(content);

      expect((await readBlob(digest, { start: 0, end: 0 })).equals(content.subarray(0, 1))).toBe(true);
      expect((await readBlob(digest, { start: 100, end: 199 })).equals(content.subarray(100, 200))).toBe(true);
      expect((await readBlob(digest, { start: 999, end: 999 })).equals(content.subarray(999))).toBe(true);
      expect((await readBlob(digest, { start: 0, end: 999 })).equals(content)).toBe(true);
    });

    it('keeps a blob already stored when another upload commits the same digest, and removes its parts', async () => {
      const original = randomBytes(100);
      const digest = await storeBlob(original);
      const uploadId = randomUUID();
      // Different bytes under the same digest show which copy survived (the caller verifies digests).
      const parts = await writeParts(uploadId, [randomBytes(100)]);

      await store.commitUpload(uploadId, parts, digest);

      expect((await readBlob(digest)).equals(original)).toBe(true);
      const otherDigest = digestOf(randomBytes(8));
      await expect(store.commitUpload(uploadId, parts, otherDigest)).rejects.toThrow();
      expect(await store.stat(otherDigest)).toBeUndefined();
    });

    it('lets concurrent uploads of the same content commit at once', async () => {
      const contents = [randomBytes(2000), randomBytes(3000)];
      const digest = digestOf(Buffer.concat(contents));
      const uploadIds = [randomUUID(), randomUUID(), randomUUID()];
      const uploads = await Promise.all(uploadIds.map(async (uploadId) => ({ uploadId, parts: await writeParts(uploadId, contents) })));

      await Promise.all(uploads.map(({ uploadId, parts }) => store.commitUpload(uploadId, parts, digest)));

      expect((await readBlob(digest)).equals(Buffer.concat(contents))).toBe(true);
    });

    it('deletes an upload idempotently, so its parts can no longer be committed', async () => {
      const uploadId = randomUUID();
      const parts = await writeParts(uploadId, [randomBytes(10), randomBytes(10)]);

      await store.deleteUpload(uploadId);
      await store.deleteUpload(uploadId);
      await store.deleteUpload(randomUUID());

      const digest = digestOf(randomBytes(8));
      await expect(store.commitUpload(uploadId, parts, digest)).rejects.toThrow();
      expect(await store.stat(digest)).toBeUndefined();
    });

    it('deletes every part of an upload of more than 1,000 parts (more than one listing page on S3)', async () => {
      const uploadId = randomUUID();
      const parts = await writeParts(uploadId, Array.from({ length: 1_001 }, (_, i) => Buffer.from([i % 256])));

      await store.deleteUpload(uploadId);

      const readWhole = async (partId: string) => (await store.readPart(uploadId, partId)).toArray();
      await expect(readWhole(parts[0].id)).rejects.toThrow();
      await expect(readWhole(parts[1_000].id)).rejects.toThrow();
    }, 120_000);

    it('deletes a blob idempotently', async () => {
      const digest = await storeBlob(randomBytes(10));

      await store.delete(digest);
      await store.delete(digest);

      expect(await store.stat(digest)).toBeUndefined();
      await expect(store.open(digest)).rejects.toThrow();
    });

    it('reports a blob never stored as missing', async () => {
      const digest = digestOf(randomBytes(8));

      expect(await store.stat(digest)).toBeUndefined();
      await expect(store.open(digest)).rejects.toThrow();
    });

    it('rejects a body that fails midway and keeps nothing of it: the next part follows the last good one', async () => {
      const uploadId = randomUUID();
      const first = randomBytes(100);
      const second = randomBytes(200);
      const firstPart = await store.writePart(uploadId, Readable.from([first]));
      // Past one S3 request's worth (8 MiB by default), so a multipart upload is under way when it fails.
      const failing = Readable.from(failAfter(9 * MiB, new Error('client went away')));

      await expect(store.writePart(uploadId, failing)).rejects.toThrow('client went away');

      const secondPart = await store.writePart(uploadId, Readable.from([second]));
      const digest = digestOf(Buffer.concat([first, second]));
      await store.commitUpload(uploadId, [firstPart, secondPart], digest);
      expect((await readBlob(digest)).equals(Buffer.concat([first, second]))).toBe(true);
    });

    it('commits the parts a session recorded, leaving out one written but never recorded', async () => {
      const uploadId = randomUUID();
      const [kept, lost, last] = [randomBytes(300), randomBytes(400), randomBytes(500)];
      const keptPart = await store.writePart(uploadId, Readable.from([kept]));
      await store.writePart(uploadId, Readable.from([lost]));
      const lastPart = await store.writePart(uploadId, Readable.from([last]));
      const digest = digestOf(Buffer.concat([kept, last]));

      await store.commitUpload(uploadId, [keptPart, lastPart], digest);

      expect((await readBlob(digest)).equals(Buffer.concat([kept, last]))).toBe(true);
    });

    it('keeps the parts of racing writes of one upload apart', async () => {
      const uploadId = randomUUID();
      const contents = Array.from({ length: 6 }, (_, i) => randomBytes(MiB + i));
      const parts = await Promise.all(contents.map((content) => store.writePart(uploadId, Readable.from(generateFrom(content)))));
      const digest = digestOf(Buffer.concat(contents));

      await store.commitUpload(uploadId, parts, digest);

      expect((await readBlob(digest)).equals(Buffer.concat(contents))).toBe(true);
    });

    it('streams a 64 MiB blob in and out with its bytes intact', async () => {
      const uploadId = randomUUID();
      const hash = createHash('sha256');
      const halves: UploadPart[] = [];
      for (let half = 0; half < 2; half++) {
        halves.push(await store.writePart(uploadId, Readable.from(generate(32 * MiB, (chunk) => hash.update(chunk)))));
      }
      const digest = `sha256:${hash.digest('hex')}`;

      await store.commitUpload(uploadId, halves, digest);

      expect(await store.stat(digest)).toEqual({ size: 64 * MiB });
      const readBack = createHash('sha256');
      const hashing = new Writable({
        write(chunk: Buffer, _encoding, done) {
          readBack.update(chunk);
          done();
        },
      });
      await (await store.open(digest)).sendTo(hashing);
      expect(`sha256:${readBack.digest('hex')}`).toBe(digest);
    });

    it('sends many ranges of one blob side by side, each intact (read buffers are reused across transfers)', async () => {
      const content = randomBytes(9 * MiB + 17);
      const digest = await storeBlob(content);
      const ranges = Array.from({ length: 12 }, (_, i) => ({ start: i * 700_001, end: content.length - 1 - i * 3 }));
      const read = await Promise.all(ranges.map((range) => readBlob(digest, range)));
      read.forEach((bytes, i) => expect(bytes.equals(content.subarray(ranges[i].start, ranges[i].end + 1))).toBe(true));
    });

    it('stops sending when the destination goes away, and rejects', async () => {
      const digest = await storeBlob(randomBytes(12 * MiB));
      let received = 0;
      const destination = new Writable({
        highWaterMark: MiB,
        write(chunk: Buffer, _encoding, done) {
          received += chunk.length;
          if (received > 2 * MiB) this.destroy();
          setImmediate(done);
        },
      });
      await expect((await store.open(digest)).sendTo(destination)).rejects.toThrow();
      expect(received).toBeLessThan(12 * MiB);
    });
  });
}

function digestOf(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** Yields `size` bytes (random ones, or those of `content`) in 1 MiB chunks, none kept after it is yielded. */
async function* generate(size: number, observe: (chunk: Buffer) => void, content?: Buffer): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < size; offset += MiB) {
    const chunk = content ? content.subarray(offset, offset + MiB) : randomBytes(Math.min(MiB, size - offset));
    observe(chunk);
    yield chunk;
  }
}

/** `content` in 64 KiB chunks with a pause between them, as a socket delivers a body. */
async function* generateFrom(content: Buffer): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < content.length; offset += 64 * 1024) {
    await new Promise((resolve) => setImmediate(resolve));
    yield content.subarray(offset, offset + 64 * 1024);
  }
}

async function* failAfter(size: number, error: Error): AsyncGenerator<Buffer> {
  yield* generate(size, () => undefined);
  throw error;
}

/** Copies each chunk as it arrives: a sender may reuse its buffers once a write is done. */
async function readAll(blob: OpenBlob): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const collector = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  await blob.sendTo(collector);
  return Buffer.concat(chunks);
}
