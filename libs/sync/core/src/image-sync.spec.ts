import type { SyncJobStatus } from '@swr/contracts';
import type { CopyOutcome, ImageCopier } from './image-copier';
import { ImageSync } from './image-sync';
import type { NewSyncJob, SyncJobRecord, SyncRuleRecord, SyncStore } from './ports';
import { SyncRefused } from './sync-error';

const requester = { accountId: 'a1', accountName: 'acme', userId: 'u1', userName: 'boss' };

/** The jobs and rules of one repository, in memory. */
class Store implements Pick<SyncStore, 'listRules' | 'addJobsFor' | 'addManualJobs' | 'unfinishedJobs' | 'start' | 'progress' | 'note' | 'finish'> {
  readonly rules: SyncRuleRecord[] = [];
  readonly jobs = new Map<number, SyncJobRecord>();
  private readonly causes = new Set<string>();

  async listRules() {
    return this.rules;
  }
  private add(job: NewSyncJob): number {
    const id = this.jobs.size + 1;
    this.jobs.set(id, { ...job, id, status: 'waiting', detail: '', copiedBytes: 0, totalBytes: 0, createdAt: new Date(), updatedAt: new Date() });
    return id;
  }
  async addManualJobs(jobs: readonly NewSyncJob[]) {
    return jobs.map((j) => this.add(j));
  }
  async addJobsFor(cause: string, jobs: readonly NewSyncJob[]) {
    if (this.causes.has(cause)) return [];
    this.causes.add(cause);
    return jobs.map((j) => this.add(j));
  }
  async unfinishedJobs() {
    return [...this.jobs.values()].filter((j) => j.status === 'waiting' || j.status === 'running').map((j) => j.id);
  }
  async start(id: number, now: Date) {
    const job = this.jobs.get(id);
    if (!job || !['waiting', 'running'].includes(job.status)) return undefined;
    const started = { ...job, status: 'running' as const, startedAt: job.startedAt ?? now };
    this.jobs.set(id, started);
    return started;
  }
  async progress(id: number, copiedBytes: number, totalBytes: number) {
    this.jobs.set(id, { ...this.jobs.get(id)!, copiedBytes, totalBytes });
  }
  async note(id: number, detail: string) {
    this.jobs.set(id, { ...this.jobs.get(id)!, detail });
  }
  async finish(id: number, status: Exclude<SyncJobStatus, 'waiting' | 'running'>, detail: string) {
    this.jobs.set(id, { ...this.jobs.get(id)!, status, detail });
  }
}

function setUp(copy: (signal: AbortSignal) => Promise<CopyOutcome>, jobTimeoutMs = 60_000) {
  const store = new Store();
  const queued: number[] = [];
  const copier = { copy: (_request: unknown, signal: AbortSignal) => copy(signal) } as unknown as ImageCopier;
  const source = { manifest: async (_repository: string, tag: string) => (tag === 'absent' ? undefined : { digest: 'sha256:x', mediaType: 'm', content: Buffer.from('{}') }) };
  const sync = new ImageSync(store as unknown as SyncStore, source, copier, { enqueue: async (id) => void queued.push(id) }, {
    regions: new Map([['region-2', 'http://region-2']]),
    jobTimeoutMs,
    progressEveryMs: 0,
  });
  return { sync, store, queued };
}

const target = { remoteRegionId: 'region-2', remoteNamespace: 'dst' };

describe('ImageSync', () => {
  it('queues one job per existing tag of a manual sync and answers the others', async () => {
    const { sync, store, queued } = setUp(async () => ({ status: 'success', detail: 'copied' }));
    expect(await sync.syncTags('acme/app', requester, target, ['v1', 'absent', 'v2'], false)).toEqual(['absent']);
    expect([...store.jobs.values()].map((j) => j.tag)).toEqual(['v1', 'v2']);
    expect(queued).toEqual([1, 2]);
    await expect(sync.syncTags('acme/app', requester, { ...target, remoteRegionId: 'elsewhere' }, ['v1'], false)).rejects.toThrow(/not a sync region/);
  });

  it('turns a push into jobs for the rules that existed then, once however often the event comes', async () => {
    const { sync, store, queued } = setUp(async () => ({ status: 'success', detail: 'copied' }));
    const rule = (createdAt: Date, remoteNamespace: string): SyncRuleRecord => ({ id: 1, repository: 'acme/app', requester, remoteRegionId: 'region-2', remoteNamespace, syncAuto: true, override: false, createdAt, updatedAt: createdAt });
    store.rules.push(rule(new Date('2026-12-01'), 'old'), rule(new Date('2026-12-03'), 'new'));
    await sync.onPushed('event-1', new Date('2026-12-02'), 'acme/app', 'v1');
    await sync.onPushed('event-1', new Date('2026-12-02'), 'acme/app', 'v1');
    await sync.onPushed('event-2', new Date('2026-12-02'), 'acme/app', undefined);
    expect([...store.jobs.values()].map((j) => [j.tag, j.remoteNamespace])).toEqual([['v1', 'old']]);
    expect(queued).toEqual([1]);
  });

  it('retries a failed copy with a note of why, fails it on the last try, and never retries a refusal', async () => {
    let failure: Error = new Error('connection reset');
    const { sync, store } = setUp(async () => {
      throw failure;
    });
    await sync.syncTags('acme/app', requester, target, ['v1', 'v2'], false);
    expect(await sync.run(1, false)).toBe('retry');
    expect(store.jobs.get(1)).toMatchObject({ status: 'running', detail: 'will try again: connection reset' });
    expect(await sync.run(1, true)).toBe('done');
    expect(store.jobs.get(1)).toMatchObject({ status: 'failed', detail: 'connection reset' });
    expect(await sync.run(1, false)).toBe('done');

    failure = new SyncRefused('refused the sync peer');
    expect(await sync.run(2, false)).toBe('done');
    expect(store.jobs.get(2)).toMatchObject({ status: 'failed', detail: 'refused the sync peer' });
  });

  it('ends a job past its time limit as timeout, aborting the copy under way', async () => {
    const { sync, store } = setUp(
      (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      50,
    );
    await sync.syncTags('acme/app', requester, target, ['v1'], false);
    expect(await sync.run(1, false)).toBe('done');
    expect(store.jobs.get(1)).toMatchObject({ status: 'timeout' });
    expect(store.jobs.get(1)?.detail).toMatch(/not finished within/);
  });

  it('queues again the jobs a stopped process left unfinished', async () => {
    const { sync, store, queued } = setUp(async () => ({ status: 'success', detail: 'copied' }));
    await sync.syncTags('acme/app', requester, target, ['v1', 'v2', 'v3'], false);
    await sync.run(1, false);
    await store.start(2, new Date());
    queued.length = 0;
    expect(await sync.requeueUnfinished()).toBe(2);
    expect(queued).toEqual([2, 3]);
  });

  it('leaves a copy cut short by the process stopping to a later try, even its last', async () => {
    const { sync, store } = setUp((signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    await sync.syncTags('acme/app', requester, target, ['v1'], false);
    const running = sync.run(1, true);
    await new Promise((r) => setTimeout(r, 10));
    sync.stop();
    expect(await running).toBe('retry');
    expect(store.jobs.get(1)?.status).toBe('running');
  });

  it('records an image left alone as existed', async () => {
    const { sync, store } = setUp(async () => ({ status: 'existed', detail: 'holds another image' }));
    await sync.syncTags('acme/app', requester, target, ['v1'], false);
    await sync.run(1, false);
    expect(store.jobs.get(1)).toMatchObject({ status: 'existed', detail: 'holds another image' });
  });
});
