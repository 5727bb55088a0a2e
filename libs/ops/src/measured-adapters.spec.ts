import type { BlobStore, OpenBlob } from '@swr/blob-store';
import { MessagingErrorCode, RemoteError, rpc, type RpcClient } from '@swr/contracts';
import type { JobQueue, JobScheduler, QueuedJob, RecurringJob } from '@swr/jobs';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { EventConsumerMetrics } from './event-consumer-metrics';
import { JobMetrics } from './job-metrics';
import { MeasuredBlobStore } from './measured-blob-store';
import { MeasuredRpcClient } from './measured-rpc-client';
import { Metrics } from './metrics';

/** The samples of one metric, as a scrape reads them. */
async function samples(metrics: Metrics, name: string): Promise<Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (await metric.get()).values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>;
}

async function histogramCount(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const found = (await samples(metrics, name)).find((s) => s.metricName === `${name}_count` && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found?.value ?? 0;
}

const PING = rpc('test.ping.v1', z.object({}), z.object({ pong: z.boolean() }));

describe('MeasuredRpcClient', () => {
  it('records one sample per call by subject: an answer and an API-coded refusal as ok, a messaging failure as error, a timeout as timeout', async () => {
    const answers: Array<() => Promise<unknown>> = [
      async () => ({ pong: true }),
      async () => Promise.reject(new RemoteError({ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' })),
      async () => Promise.reject(new RemoteError({ code: MessagingErrorCode.Unavailable, message: 'no connection' })),
      async () => Promise.reject(new Error('socket closed')),
      async () => Promise.reject(new RemoteError({ code: MessagingErrorCode.Timeout, message: 'timed out' })),
    ];
    let answered = 0;
    const inner: RpcClient = { call: () => answers[answered++]() as never, close: async () => undefined };
    const metrics = new Metrics('test');
    const client = new MeasuredRpcClient(inner, metrics);

    await expect(client.call(PING, {})).resolves.toEqual({ pong: true });
    for (let i = 0; i < 4; i++) await expect(client.call(PING, {})).rejects.toThrow();

    const count = (outcome: string) => histogramCount(metrics, 'swr_rpc_client_duration_seconds', { subject: 'test.ping.v1', outcome });
    expect({ ok: await count('ok'), error: await count('error'), timeout: await count('timeout') }).toEqual({ ok: 2, error: 2, timeout: 1 });
  });
});

describe('MeasuredBlobStore', () => {
  const blob: OpenBlob = { sendTo: async (destination) => void destination.end() };
  const inner: BlobStore = {
    writePart: async () => ({ id: 'p1', size: 3 }),
    writeBlob: async () => 3,
    readPart: async () => new PassThrough(),
    commitUpload: async () => undefined,
    deleteUpload: async () => undefined,
    stat: async () => Promise.reject(new Error('disk gone')),
    open: async () => blob,
    delete: async () => undefined,
  };

  it("times each operation by name and outcome, an opened blob's transfer as send", async () => {
    const metrics = new Metrics('test');
    const store = new MeasuredBlobStore(inner, metrics);

    await store.writePart('u', new PassThrough());
    await expect(store.stat('sha256:00')).rejects.toThrow('disk gone');
    const opened = await store.open('sha256:00');
    await opened.sendTo(new PassThrough());

    const count = (operation: string, outcome: string) => histogramCount(metrics, 'swr_blob_store_operation_duration_seconds', { operation, outcome });
    expect([await count('writePart', 'ok'), await count('stat', 'error'), await count('open', 'ok'), await count('send', 'ok'), await count('delete', 'ok')]).toEqual([1, 1, 1, 1, 0]);
  });

  it('presigns only when the store it wraps does', () => {
    const metrics = new Metrics('test');
    expect(new MeasuredBlobStore(inner, metrics).presignedReadUrl).toBeUndefined();
    expect(new MeasuredBlobStore({ ...inner, presignedReadUrl: async () => 'http://s3/x' }, metrics).presignedReadUrl).toBeDefined();
  });
});

describe('JobMetrics', () => {
  it("times each try of a queue's jobs by outcome and reads the queue's counts at scrape time", async () => {
    let handler: (job: QueuedJob<string>) => Promise<void> = async () => Promise.reject(new Error('not processing'));
    const inner: JobQueue<string> & { queueName: string; counts(): Promise<{ waiting: number; active: number }> } = {
      queueName: 'swr-test-jobs',
      add: async () => true,
      process: (h) => void (handler = h),
      close: async () => undefined,
      counts: async () => ({ waiting: 4, active: 2 }),
    };
    const metrics = new Metrics('test');
    const queue = new JobMetrics(metrics).queue(inner);

    queue.process(async (job) => {
      if (job.data === 'bad') throw new Error('refused');
    });
    await handler({ id: '1', data: 'good', attempt: 1, attempts: 3 });
    await expect(handler({ id: '2', data: 'bad', attempt: 1, attempts: 3 })).rejects.toThrow('refused');

    const count = (outcome: string) => histogramCount(metrics, 'swr_job_duration_seconds', { queue: 'swr-test-jobs', outcome });
    expect([await count('ok'), await count('failed')]).toEqual([1, 1]);
    expect((await samples(metrics, 'swr_jobs_waiting')).map((s) => [s.labels.queue, s.value])).toEqual([['swr-test-jobs', 4]]);
    expect((await samples(metrics, 'swr_jobs_active')).map((s) => [s.labels.queue, s.value])).toEqual([['swr-test-jobs', 2]]);
  });

  it("times a scheduler's runs, and leaves out a queue it cannot count", async () => {
    const scheduled: RecurringJob[] = [];
    const inner: JobScheduler & { queueName: string; counts(): Promise<{ waiting: number; active: number }> } = {
      queueName: 'swr-test-schedule',
      schedule: async (job) => void scheduled.push(job),
      runNow: async () => undefined,
      close: async () => undefined,
      counts: async () => Promise.reject(new Error('redis down')),
    };
    const metrics = new Metrics('test');
    await new JobMetrics(metrics).scheduler(inner).schedule({ name: 'prune', everyMs: 1_000, run: async () => undefined });

    await scheduled[0].run();

    expect(await histogramCount(metrics, 'swr_job_duration_seconds', { queue: 'swr-test-schedule', outcome: 'ok' })).toBe(1);
    expect(await samples(metrics, 'swr_jobs_waiting')).toEqual([]);
  });
});

describe('EventConsumerMetrics', () => {
  it('counts handled deliveries by outcome and redeliveries, and reads the pending count at scrape time', async () => {
    const metrics = new Metrics('test');
    const observer = new EventConsumerMetrics(metrics, 'audit');
    expect(await samples(metrics, 'swr_event_consumer_pending_messages')).toEqual([]);
    observer.readPendingFrom({ pending: async () => 7 });

    observer.handled('ok', 3);
    observer.handled('error', 1);
    observer.redelivered();

    const handled = await samples(metrics, 'swr_event_consumer_handled_total');
    expect(handled.map((s) => [s.labels.outcome, s.value])).toEqual([
      ['ok', 3],
      ['error', 1],
    ]);
    expect((await samples(metrics, 'swr_event_consumer_redeliveries_total')).map((s) => s.value)).toEqual([1]);
    expect((await samples(metrics, 'swr_event_consumer_pending_messages')).map((s) => [s.labels.consumer, s.value])).toEqual([['audit', 7]]);
  });
});
