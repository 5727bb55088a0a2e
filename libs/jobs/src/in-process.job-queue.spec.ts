import { describeJobQueueContract } from './job-queue.contract';
import { InProcessJobQueue } from './in-process.job-queue';

describeJobQueueContract('in process', (settings) => new InProcessJobQueue(settings));

describe('InProcessJobQueue', () => {
  it('refuses jobs once closed', async () => {
    const queue = new InProcessJobQueue<number>({ attempts: 1, backoffMs: 10 });
    await queue.close();
    await expect(queue.add('late', 1)).rejects.toThrow('The job queue is closed');
  });

  it('refuses a second handler', async () => {
    const queue = new InProcessJobQueue<number>({ attempts: 1, backoffMs: 10 });
    queue.process(async () => undefined);
    expect(() => queue.process(async () => undefined)).toThrow('already handled');
    await queue.close();
  });
});
