import { waitFor } from '@swr/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobScheduler } from './job-scheduler';

/** What the suite needs every adapter to accept: short back-offs, and a sink for failed scheduled runs. */
export interface JobSchedulerTestSettings {
  readonly backoffMs: number;
  readonly onError: (error: unknown, job?: string) => void;
}

/** The behaviour every JobScheduler adapter must show, as one Jest suite; each test opens its own schedulers. */
export function describeJobSchedulerContract(name: string, createScheduler: (settings: JobSchedulerTestSettings) => JobScheduler): void {
  describe(`JobScheduler contract: ${name}`, () => {
    const opened: JobScheduler[] = [];
    const failedRuns: { job: string; message: string }[] = [];

    function open(): JobScheduler {
      const scheduler = createScheduler({
        backoffMs: 50,
        // Errors without a job (a connection hiccup) are not what these tests look at.
        onError: (error, job) => job && failedRuns.push({ job, message: (error as Error).message }),
      });
      opened.push(scheduler);
      return scheduler;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((scheduler) => scheduler.close()));
      failedRuns.length = 0;
    });

    it('runs a new schedule at once, then every interval', async () => {
      const scheduler = open();
      const runs: number[] = [];
      const start = Date.now();
      await scheduler.schedule({ name: 'tick', everyMs: 400, run: async () => void runs.push(Date.now() - start) });

      await waitFor('three runs', async () => runs.length >= 3, 10_000);
      expect(runs[0]).toBeLessThan(300);
      expect(runs[2] - runs[0]).toBeGreaterThanOrEqual(600);
    });

    it('runs a job now, resolving once that run has finished', async () => {
      const scheduler = open();
      let finished = 0;
      await scheduler.schedule({
        name: 'report',
        everyMs: 60_000,
        run: async () => {
          await sleep(100);
          finished++;
        },
      });
      await waitFor('the first run', async () => finished === 1);

      await scheduler.runNow('report');
      expect(finished).toBe(2);
    });

    it('retries a failing run: a scheduled run that fails every attempt is reported, runNow rejects', async () => {
      const scheduler = open();
      let calls = 0;
      await scheduler.schedule({
        name: 'flaky',
        everyMs: 60_000,
        attempts: 2,
        run: async () => {
          throw new Error(`failure ${++calls}`);
        },
      });

      await waitFor('the scheduled run to fail', async () => failedRuns.length > 0);
      expect(failedRuns).toEqual([{ job: 'flaky', message: 'failure 2' }]);
      await expect(scheduler.runNow('flaky')).rejects.toThrow('failure 4');
      expect(calls).toBe(4);
    });

    it('reschedules a job without running it again, and runs the handler given last', async () => {
      const scheduler = open();
      const runs: string[] = [];
      await scheduler.schedule({ name: 'audit', everyMs: 60_000, run: async () => void runs.push('first') });
      await scheduler.schedule({ name: 'audit', everyMs: 60_000, run: async () => void runs.push('second') });
      await waitFor('the first run', async () => runs.length === 1);

      await scheduler.runNow('audit');
      await sleep(300);
      expect(runs).toHaveLength(2);
      expect(runs[1]).toBe('second');
    });

    it('never runs one job twice at once, however its runs are asked for', async () => {
      const scheduler = open();
      let running = 0;
      let mostAtOnce = 0;
      let finished = 0;
      await scheduler.schedule({
        name: 'slow',
        everyMs: 100,
        run: async () => {
          mostAtOnce = Math.max(mostAtOnce, ++running);
          await sleep(250);
          running--;
          finished++;
        },
      });

      await Promise.all([scheduler.runNow('slow'), scheduler.runNow('slow')]);
      await waitFor('more scheduled runs', async () => finished >= 4, 10_000);
      expect(mostAtOnce).toBe(1);
    });

    it('refuses to run a job it has not scheduled', async () => {
      await expect(open().runNow('unknown')).rejects.toThrow('No job named "unknown"');
    });

    it('closes promptly once the run going on has finished, and runs nothing after', async () => {
      const scheduler = open();
      let started = 0;
      let finished = 0;
      await scheduler.schedule({
        name: 'long',
        everyMs: 100,
        run: async () => {
          started++;
          await sleep(300);
          finished++;
        },
      });
      await waitFor('a run to start', async () => started > 0);

      const closing = Date.now();
      await scheduler.close();
      expect(Date.now() - closing).toBeLessThan(2_000);
      const runsAtClose = started;
      expect(finished).toBe(runsAtClose);
      await sleep(300);
      expect(started).toBe(runsAtClose);
    });
  });
}
