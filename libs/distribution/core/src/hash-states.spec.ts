import type { BlobStore } from '@swr/blob-store';
import type { UploadPartPayload, UploadSession } from '@swr/contracts';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { HashStates } from './hash-states';

/** The stored parts of uploads, as the store would read them back. */
function storeOf(parts: Record<string, string>): BlobStore {
  return { readPart: async (_uploadId: string, partId: string) => Readable.from([Buffer.from(parts[partId])]) } as unknown as BlobStore;
}

const session = (offset: number): UploadSession => ({ id: '6f1c2a4e-0d7b-4c1e-9a55-3f0b8e2d7c10', repository: 'team/app', algorithm: 'sha256', offset, startedAt: '2026-12-06T20:00:00.000Z' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('HashStates', () => {
  it("starts a fresh upload's hash without asking for its parts", async () => {
    let asked = 0;
    const hash = await new HashStates(storeOf({})).resume(session(0), async () => {
      asked++;
      return [];
    });
    expect(asked).toBe(0);
    expect(hash.update('first chunk').digest('hex')).toBe(sha256('first chunk'));
  });

  it('rebuilds the hash from the stored parts when this replica did not see them', async () => {
    const parts: UploadPartPayload[] = [
      { id: 'a', size: 6 },
      { id: 'b', size: 5 },
    ];
    const hash = await new HashStates(storeOf({ a: 'hello ', b: 'world' })).resume(session(11), async () => parts);
    expect(hash.update('!').digest('hex')).toBe(sha256('hello world!'));
  });

  it('goes on from the state it kept, reading only the parts stored after it', async () => {
    const hashes = new HashStates(storeOf({ b: 'world' }));
    hashes.keep(session(6).id, 6, createHash('sha256').update('hello '));
    const hash = await hashes.resume(session(11), async () => [
      { id: 'a', size: 6 },
      { id: 'b', size: 5 },
    ]);
    expect(hash.digest('hex')).toBe(sha256('hello world'));
  });
});
