import { RedisServerHandle, startRedisServer, waitFor } from '@swr/testing';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullJobScheduler } from './bull.job-scheduler';
import { describeJobSchedulerContract } from './job-scheduler.contract';
import type { RecurringJob } from './job-scheduler';


// A real Redis on a loaded two-core machine: a contract step may take longer than Jest's default 5 s.
jest.setTimeout(30_000);

describe('BullJobScheduler (real redis-server)', () => {
  let redis: RedisServerHandle;
  const inspectors: Queue[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterEach(async () => {
    await Promise.all(inspectors.splice(0).map((queue) => queue.close()));
  });
  afterAll(() => redis?.stop());

  /** A plain BullMQ handle on the queue, to look at what the schedulers left in Redis. */
  function inspect(queue: string, prefix?: string): Queue {
    const inspector = new Queue(queue, { connection: { url: redis.url }, prefix });
    inspectors.push(inspector);
    return inspector;
  }

  describeJobSchedulerContract('BullMQ', (settings) => new BullJobScheduler({ redisUrl: redis.url, queue: `contract-${randomUUID()}`, ...settings }));

  it('shares a schedule between replicas: one run per occurrence, never two at once, even when runs outlast the interval', async () => {
    const queue = `replicas-${randomUUID()}`;
    const replicas = [0, 1].map(() => new BullJobScheduler({ redisUrl: redis.url, queue }));
    const runs: { replica: number; start: number; end: number }[] = [];
    const everyMs = 200;
    const began = Date.now();
    await Promise.all(
      replicas.map((scheduler, replica) =>
        scheduler.schedule({
          name: 'sweep',
          everyMs,
          run: async () => {
            const start = Date.now();
            await sleep(300);
            runs.push({ replica, start, end: Date.now() });
          },
        }),
      ),
    );

    await sleep(3_000);
    await Promise.all(replicas.map((scheduler) => scheduler.close()));
    const elapsed = Date.now() - began;

    // At most one run per occurrence (the first is due at once, then one per interval)...
    expect(runs.length).toBeGreaterThanOrEqual(5);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsed / everyMs) + 1);
    // ...and no run starts before the one before it has ended, on whichever replica.
    runs.sort((a, b) => a.start - b.start);
    for (let i = 1; i < runs.length; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 1].end);
  }, 15_000);

  it('keeps one schedule per job name across replicas and restarts, with the interval given last', async () => {
    const queue = `restarts-${randomUUID()}`;
    const prefix = 'swr-test';
    const job: RecurringJob = { name: 'audit', everyMs: 60_000, run: async () => undefined };
    const first = new BullJobScheduler({ redisUrl: redis.url, queue, prefix });
    const second = new BullJobScheduler({ redisUrl: redis.url, queue, prefix });
    await first.schedule(job);
    await second.schedule(job);
    await first.close();
    const restarted = new BullJobScheduler({ redisUrl: redis.url, queue, prefix });
    await restarted.schedule({ ...job, everyMs: 120_000 });

    const schedules = await inspect(queue, prefix).getJobSchedulers();
    await Promise.all([second.close(), restarted.close()]);
    expect(schedules).toEqual([expect.objectContaining({ key: 'audit', every: 120_000 })]);
  });

  it('fails a run of a job no replica has a handler for, saying so', async () => {
    const queue = `unknown-${randomUUID()}`;
    const scheduler = new BullJobScheduler({ redisUrl: redis.url, queue });
    await scheduler.schedule({ name: 'known', everyMs: 60_000, run: async () => undefined });
    const inspector = inspect(queue);
    await inspector.add('mystery', {}, { attempts: 1 });

    await waitFor('the run to fail', async () => (await inspector.getFailedCount()) === 1);
    await scheduler.close();
    const [failed] = await inspector.getFailed();
    expect(failed.failedReason).toBe(`No handler for job "mystery" of queue ${queue} in this process`);
  });
});
