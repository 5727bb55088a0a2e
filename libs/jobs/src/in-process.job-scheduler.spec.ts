import { waitFor } from '@swr/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { InProcessJobScheduler } from './in-process.job-scheduler';
import { describeJobSchedulerContract } from './job-scheduler.contract';

describeJobSchedulerContract('in process', (settings) => new InProcessJobScheduler(settings));

describe('InProcessJobScheduler', () => {
  it('skips the runs that fall due while one is still going, rather than piling them up', async () => {
    const scheduler = new InProcessJobScheduler();
    let runs = 0;
    await scheduler.schedule({
      name: 'slow',
      everyMs: 20,
      run: async () => {
        await sleep(300);
        runs++;
      },
    });

    await sleep(1_000);
    await scheduler.close();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBeLessThanOrEqual(4);
  });

  it('gives up waiting to retry when closed, reporting the failure', async () => {
    const errors: unknown[] = [];
    const scheduler = new InProcessJobScheduler({ backoffMs: 60_000, onError: (error) => errors.push(error) });
    let calls = 0;
    await scheduler.schedule({
      name: 'down',
      everyMs: 60_000,
      run: async () => {
        calls++;
        throw new Error('database unreachable');
      },
    });
    await waitFor('the first attempt', async () => calls === 1);

    const closing = Date.now();
    await scheduler.close();
    expect(Date.now() - closing).toBeLessThan(500);
    expect(calls).toBe(1);
    expect(errors).toEqual([new Error('database unreachable')]);
  });
});
