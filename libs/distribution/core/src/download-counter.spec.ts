import { RepositoryRpc, type RequestOf, type RpcClient, type RpcContract } from '@swr/contracts';
import { DownloadCounter } from './download-counter';

type Recorded = RequestOf<typeof RepositoryRpc.downloadsRecord>;

/** The metadata service as the counter sees it: each call recorded; the first `failures` calls fail after they arrive. */
function metadataFailing(failures: number): { rpc: RpcClient; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const rpc: RpcClient = {
    async call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
      expect(contract.subject).toBe(RepositoryRpc.downloadsRecord.subject);
      calls.push(request as Recorded);
      if (calls.length <= failures) throw new Error('timed out');
      return {} as Res;
    },
    close: async () => undefined,
  };
  return { rpc, calls };
}

describe('DownloadCounter', () => {
  it('sends pulls and their bytes per repository in one batch', async () => {
    const { rpc, calls } = metadataFailing(0);
    const counter = new DownloadCounter(rpc);
    counter.count('a/app', 500);
    counter.served('a/app', 10_000);
    counter.count('a/app', 500);
    counter.served('b/app', 42);
    await counter.flush();
    expect(calls).toEqual([
      {
        batchId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        counts: [
          { repository: 'a/app', count: 2, bytes: 11_000 },
          { repository: 'b/app', count: 0, bytes: 42 },
        ],
      },
    ]);
    await counter.flush();
    expect(calls).toHaveLength(1);
  });

  it('sends a batch that failed again as it was, under the same id, and what came after in a batch of its own', async () => {
    const { rpc, calls } = metadataFailing(1);
    const errors: unknown[] = [];
    const counter = new DownloadCounter(rpc, 2_000, (error) => errors.push(error));
    counter.count('a/app', 100);
    await counter.flush();
    expect(errors).toHaveLength(1);
    counter.count('a/app', 100);
    await counter.flush();
    await counter.flush();
    expect(calls.map((c) => c.counts)).toEqual([
      [{ repository: 'a/app', count: 1, bytes: 100 }],
      [{ repository: 'a/app', count: 1, bytes: 100 }],
      [{ repository: 'a/app', count: 1, bytes: 100 }],
    ]);
    expect(calls[1].batchId).toBe(calls[0].batchId);
    expect(calls[2].batchId).not.toBe(calls[0].batchId);
  });

  it('does not hold a stopping process up when metadata no longer answers, and says what it could not send', async () => {
    const silent: RpcClient = { call: () => new Promise(() => undefined), close: async () => undefined };
    const errors: string[] = [];
    const counter = new DownloadCounter(silent, 2_000, (error) => errors.push((error as Error).message));
    counter.count('a/app', 500);
    const started = Date.now();
    await counter.stop(100);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors).toEqual(['pull counts of 1 repositories not recorded: metadata did not answer within 100 ms']);
  });
});
