// A BullJobQueue worker in a process of its own, for the test that kills one mid-job
// (bull.job-queue.integration.spec.ts bundles and starts it). Arguments: Redis URL, queue name, lock in ms.
// It prints "ready" once its worker is up, then "started <id> <attempt>" as it takes a job, which it never finishes.
import { BullJobQueue } from './bull.job-queue';

const [redisUrl, queue, lockMs] = process.argv.slice(1);
const jobs = new BullJobQueue<unknown>({ redisUrl, queue, lockMs: Number(lockMs), attempts: 3, backoffMs: 100, concurrency: 1 });
jobs.process(async (job) => {
  process.stdout.write(`started ${JSON.stringify(job.id)} ${job.attempt}\n`);
  await new Promise<never>(() => undefined);
});
process.stdout.write('ready\n');
