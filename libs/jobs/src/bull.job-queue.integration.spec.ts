import { ManagedProcess, RedisServerHandle, startProcess, startRedisServer, waitFor } from '@swr/testing';
import { build } from 'esbuild';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BullJobQueue, BullJobQueueOptions, toBullJobId } from './bull.job-queue';
import { describeJobQueueContract, TestDelivery } from './job-queue.contract';
import type { QueuedJob } from './job-queue';

const ROOT = join(__dirname, '../../..');


// A real Redis on a loaded two-core machine: a contract step may take longer than Jest's default 5 s.
jest.setTimeout(30_000);

describe('BullJobQueue (real redis-server)', () => {
  let redis: RedisServerHandle;
  const opened: BullJobQueue<TestDelivery>[] = [];
  const programs: ManagedProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterEach(async () => {
    await Promise.all(programs.splice(0).map((program) => program.stop('SIGKILL')));
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });
  afterAll(() => redis?.stop());

  function open(options: Omit<BullJobQueueOptions, 'redisUrl' | 'attempts' | 'backoffMs'> & Partial<BullJobQueueOptions>): BullJobQueue<TestDelivery> {
    const queue = new BullJobQueue<TestDelivery>({ redisUrl: redis.url, attempts: 3, backoffMs: 50, ...options });
    opened.push(queue);
    return queue;
  }

  describeJobQueueContract('BullMQ', (settings) => new BullJobQueue({ redisUrl: redis.url, queue: `contract-${randomUUID()}`, ...settings }));

  it('shares the jobs between replicas: each handled once, by one of them', async () => {
    const queue = `replicas-${randomUUID()}`;
    const replicas = [0, 1].map(() => open({ queue, concurrency: 4 }));
    const handled: { id: string; replica: number }[] = [];
    replicas.forEach((replica, index) =>
      replica.process(async (job) => {
        await sleep(30);
        handled.push({ id: job.id, replica: index });
      }),
    );
    const ids = Array.from({ length: 60 }, (_, i) => `event:${i}`);
    // Both replicas add every job, as two trigger workers reading the same event would.
    const added = await Promise.all(ids.flatMap((id) => replicas.map((replica) => replica.add(id, { url: `https://hooks.test/${id}` }))));

    await waitFor('every job', async () => handled.length >= ids.length, 10_000);
    await sleep(300);
    expect(added.filter(Boolean)).toHaveLength(ids.length);
    expect(handled.map((job) => job.id).sort()).toEqual([...ids].sort());
    expect(new Set(handled.map((job) => job.replica))).toEqual(new Set([0, 1]));
  });

  it('hands a job whose worker was killed mid-job to another replica once its lock has run out', async () => {
    const queue = `crash-${randomUUID()}`;
    const lockMs = 1_000;
    const doomed = await startWorkerProgram(queue, lockMs);
    await waitFor('the doomed worker to start', async () => doomed.output().includes('ready\n'));
    const survivor = open({ queue, lockMs });
    expect(await survivor.add('hook:7:event:1', { url: 'https://hooks.test/crash' })).toBe(true);
    await waitFor('the doomed worker to take the job', async () => doomed.output().includes('started "hook:7:event:1" 1\n'), 10_000);

    await doomed.stop('SIGKILL');
    const killedAt = Date.now();
    const handled: (QueuedJob<TestDelivery> & { at: number })[] = [];
    survivor.process(async (job) => void handled.push({ ...job, at: Date.now() }));

    await waitFor('another replica to take the job', async () => handled.length > 0, 10_000);
    expect(handled).toEqual([expect.objectContaining({ id: 'hook:7:event:1', data: { url: 'https://hooks.test/crash' } })]);
    // Not before the killed worker's lock ran out (it was last renewed at most half a lock before the kill)...
    expect(handled[0].at - killedAt).toBeGreaterThanOrEqual(lockMs / 2 - 50);
    // ...and soon after: the replica looks for such jobs once per lock.
    expect(handled[0].at - killedAt).toBeLessThan(4 * lockMs);
    await sleep(300);
    expect(handled).toHaveLength(1);
  }, 20_000);

  it('keeps finished jobs a week, so that their ids stay refused', async () => {
    const name = `kept-${randomUUID()}`;
    const queue = open({ queue: name, attempts: 1 });
    const handled: string[] = [];
    queue.process(async (job) => {
      handled.push(job.id);
      if (job.id === 'fails') throw new Error('500');
    });
    await queue.add('succeeds', { url: 'https://hooks.test/ok' });
    await queue.add('fails', { url: 'https://hooks.test/500' });
    await waitFor('both jobs', async () => handled.length === 2);

    expect(await queue.add('succeeds', { url: 'https://hooks.test/ok' })).toBe(false);
    expect(await queue.add('fails', { url: 'https://hooks.test/500' })).toBe(false);
  });

  it('escapes ids into BullMQ job ids that BullMQ accepts and that never collide', () => {
    expect(toBullJobId('hook:7:event:1')).toBe('hook%3A7%3Aevent%3A1');
    expect(toBullJobId('100%')).toBe('100%25');
    expect(toBullJobId('42')).toBe('%N42');
    expect(toBullJobId('042')).toBe('042');
    const ids = ['a:b', 'a%3Ab', 'a%253Ab', '42', '%N42', '%25N42', '-1'];
    expect(new Set(ids.map(toBullJobId)).size).toBe(ids.length);
    for (const id of ids) expect(toBullJobId(id)).not.toContain(':');
  });

  /** Bundles the worker program (packages stay in node_modules) and runs it from the repository's root. */
  async function startWorkerProgram(queue: string, lockMs: number): Promise<ManagedProcess> {
    const bundle = await build({
      entryPoints: [join(__dirname, 'bull.job-queue.worker-program.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      write: false,
      logLevel: 'warning',
    });
    const program = startProcess(process.execPath, ['-e', bundle.outputFiles[0].text, redis.url, queue, String(lockMs)], { cwd: ROOT });
    programs.push(program);
    return program;
  }
});
