import { waitFor } from '@swr/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { GiveUp, JobQueue, JobQueueSettings, QueuedJob, RetryLater } from './job-queue';

/** A webhook delivery, more or less. */
export interface TestDelivery {
  readonly url: string;
}

/** The behaviour every JobQueue adapter must show, as one Jest suite; each test opens its own queue. */
export function describeJobQueueContract(name: string, createQueue: (settings: JobQueueSettings) => JobQueue<TestDelivery>): void {
  describe(`JobQueue contract: ${name}`, () => {
    const opened: JobQueue<TestDelivery>[] = [];
    const failures: { jobId?: string; message: string }[] = [];

    function open(settings: Partial<JobQueueSettings> = {}): JobQueue<TestDelivery> {
      const queue = createQueue({
        attempts: 3,
        backoffMs: 20,
        onError: (error, jobId) => void failures.push({ jobId, message: (error as Error).message }),
        ...settings,
      });
      opened.push(queue);
      return queue;
    }

    /** Records every try the queue hands to the handler, with when it started. */
    function record(queue: JobQueue<TestDelivery>, handle: (job: QueuedJob<TestDelivery>) => Promise<void> = async () => undefined) {
      const tries: (QueuedJob<TestDelivery> & { at: number })[] = [];
      queue.process(async (job) => {
        tries.push({ ...job, at: Date.now() });
        await handle(job);
      });
      return tries;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
      failures.length = 0;
    });

    it('handles each added job once, jobs added before handling starts included', async () => {
      const queue = open();
      const ids = Array.from({ length: 20 }, (_, i) => `delivery-${i}`);
      for (const id of ids.slice(0, 10)) expect(await queue.add(id, { url: `https://hooks.test/${id}` })).toBe(true);
      const tries = record(queue);
      for (const id of ids.slice(10)) expect(await queue.add(id, { url: `https://hooks.test/${id}` })).toBe(true);

      await waitFor('every job', async () => tries.length >= ids.length, 10_000);
      await sleep(300);
      expect(tries.map((job) => job.id).sort()).toEqual([...ids].sort());
      for (const job of tries) expect(job).toMatchObject({ data: { url: `https://hooks.test/${job.id}` }, attempt: 1, attempts: 3 });
      expect(failures).toEqual([]);
    });

    it('refuses an id added before, whether its job is waiting or done, and does not handle it again', async () => {
      const queue = open();
      expect(await queue.add('webhook-1:event-1', { url: 'https://hooks.test/first' })).toBe(true);
      expect(await queue.add('webhook-1:event-1', { url: 'https://hooks.test/second' })).toBe(false);
      const tries = record(queue);
      await waitFor('the job', async () => tries.length === 1);

      expect(await queue.add('webhook-1:event-1', { url: 'https://hooks.test/third' })).toBe(false);
      await sleep(300);
      expect(tries).toEqual([expect.objectContaining({ id: 'webhook-1:event-1', data: { url: 'https://hooks.test/first' } })]);
    });

    it('tells apart ids that a storage key would mix up, and hands each back as it was given', async () => {
      const queue = open();
      const ids = ['a:b', 'a-b', 'a%3Ab', 'a%253Ab', '42', '%N42', '-7', 'webhook:1:2', 'ünï code/ ✓'];
      for (const id of ids) expect(await queue.add(id, { url: `https://hooks.test/${encodeURIComponent(id)}` })).toBe(true);
      for (const id of ids) expect(await queue.add(id, { url: 'https://hooks.test/again' })).toBe(false);
      const tries = record(queue);

      await waitFor('every job', async () => tries.length >= ids.length);
      expect(tries.map((job) => job.id).sort()).toEqual([...ids].sort());
      for (const job of tries) expect(job.data.url).toBe(`https://hooks.test/${encodeURIComponent(job.id)}`);
    });

    it('refuses an empty id', async () => {
      await expect(open().add('', { url: 'https://hooks.test/' })).rejects.toThrow('A job id must be a non-empty string');
    });

    it('retries a failing job with the same id, counting its tries, until it succeeds', async () => {
      const queue = open({ attempts: 5 });
      const tries = record(queue, async (job) => {
        if (job.attempt < 3) throw new Error(`connection refused (${job.attempt})`);
      });
      await queue.add('flaky', { url: 'https://hooks.test/flaky' });

      await waitFor('the third try', async () => tries.length === 3);
      await sleep(300);
      expect(tries.map(({ id, attempt, attempts, data }) => ({ id, attempt, attempts, data }))).toEqual(
        [1, 2, 3].map((attempt) => ({ id: 'flaky', attempt, attempts: 5, data: { url: 'https://hooks.test/flaky' } })),
      );
      expect(failures).toEqual([]);
    });

    it('waits the backoff between tries: doubling, jittered between half and all of it', async () => {
      const queue = open({ attempts: 3, backoffMs: 200 });
      const tries = record(queue, async () => {
        throw new Error('503');
      });
      await queue.add('backoff', { url: 'https://hooks.test/backoff' });

      await waitFor('the last try', async () => tries.length === 3);
      // 100-200 ms before the second try, 200-400 ms before the third (plus the queue's own latency).
      expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(95);
      expect(tries[2].at - tries[1].at).toBeGreaterThanOrEqual(195);
    });

    it('tries a job that gives up once, and reports it', async () => {
      const queue = open({ attempts: 5 });
      const tries = record(queue, async () => {
        throw new GiveUp('410 Gone');
      });
      await queue.add('gone', { url: 'https://hooks.test/gone' });

      await waitFor('the failure report', async () => failures.length > 0);
      await sleep(300);
      expect(tries).toHaveLength(1);
      expect(failures).toEqual([{ jobId: 'gone', message: '410 Gone' }]);
    });

    it('waits the delay a RetryLater asks for, rather than the backoff', async () => {
      const queue = open({ attempts: 3, backoffMs: 10 });
      let thrownAt = 0;
      const tries = record(queue, async (job) => {
        if (job.attempt > 1) return;
        thrownAt = Date.now();
        throw new RetryLater('429 Too Many Requests', 700);
      });
      await queue.add('throttled', { url: 'https://hooks.test/throttled' });

      await waitFor('the second try', async () => tries.length === 2);
      // Timers may fire a millisecond early by the wall clock.
      expect(tries[1].at - thrownAt).toBeGreaterThanOrEqual(698);
      expect(tries[1].attempt).toBe(2);
    });

    it('stops after the last try, and reports its error', async () => {
      const queue = open({ attempts: 3 });
      const tries = record(queue, async (job) => {
        throw new Error(`timeout ${job.attempt}`);
      });
      await queue.add('down', { url: 'https://hooks.test/down' });

      await waitFor('the failure report', async () => failures.length > 0);
      await sleep(400);
      expect(tries.map((job) => job.attempt)).toEqual([1, 2, 3]);
      expect(failures).toEqual([{ jobId: 'down', message: 'timeout 3' }]);
    });

    it('treats a thrown non-error as a failure to retry', async () => {
      const queue = open();
      const tries = record(queue, async (job) => {
        if (job.attempt === 1) throw 'a string';
      });
      await queue.add('odd', { url: 'https://hooks.test/odd' });

      await waitFor('the second try', async () => tries.length === 2);
    });

    it('handles at most `concurrency` jobs at once', async () => {
      const queue = open({ concurrency: 3 });
      let running = 0;
      let mostAtOnce = 0;
      const tries = record(queue, async () => {
        mostAtOnce = Math.max(mostAtOnce, ++running);
        await sleep(150);
        running--;
      });
      for (let i = 0; i < 9; i++) await queue.add(`slow-${i}`, { url: 'https://hooks.test/slow' });

      await waitFor('every job', async () => tries.length === 9 && running === 0, 10_000);
      expect(mostAtOnce).toBe(3);
    });

    it('closes once the handlers running have finished, and takes no job after', async () => {
      const queue = open({ concurrency: 1 });
      let finished = 0;
      const tries = record(queue, async () => {
        await sleep(300);
        finished++;
      });
      for (let i = 0; i < 3; i++) await queue.add(`long-${i}`, { url: 'https://hooks.test/long' });
      await waitFor('a job to start', async () => tries.length > 0);

      await queue.close();
      const startedAtClose = tries.length;
      expect(finished).toBe(startedAtClose);
      await sleep(400);
      expect(tries).toHaveLength(startedAtClose);
      expect(startedAtClose).toBeLessThan(3);
    });

    it('closes without waiting for a retry to fall due', async () => {
      const queue = open({ backoffMs: 60_000 });
      const tries = record(queue, async () => {
        throw new Error('unreachable');
      });
      await queue.add('later', { url: 'https://hooks.test/later' });
      await waitFor('the first try', async () => tries.length === 1);

      const closing = Date.now();
      await queue.close();
      expect(Date.now() - closing).toBeLessThan(2_000);
      expect(tries).toHaveLength(1);
    });
  });
}
