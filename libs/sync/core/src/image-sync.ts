import type { SyncJobPayload, SyncRulePayload } from '@swr/contracts';
import type { ImageCopier } from './image-copier';
import type { NewSyncJob, Requester, SourceImages, SyncJobRecord, SyncJobs, SyncRuleRecord, SyncStore, SyncTarget } from './ports';
import { SyncError, SyncRefused } from './sync-error';

export interface SyncSettings {
  /** The operator's SWR_SYNC_REGIONS: region id to base URL. */
  readonly regions: ReadonlyMap<string, string>;
  /** A job not finished this long after its first try began is `timeout`. */
  readonly jobTimeoutMs: number;
  /** Progress is written to the job record at most this often. */
  readonly progressEveryMs: number;
}

/** What a try of a job tells the queue. */
export type TryOutcome = 'done' | 'retry';

const withoutOrganization = (repository: string) => repository.slice(repository.indexOf('/') + 1);

/** The repository a sync writes: the same path under the target organization. */
export const targetRepository = (repository: string, remoteNamespace: string) => `${remoteNamespace}/${withoutOrganization(repository)}`;

function rulePayload(rule: SyncRuleRecord): SyncRulePayload {
  return {
    id: rule.id,
    accountId: rule.requester.accountId,
    accountName: rule.requester.accountName,
    repository: rule.repository,
    remoteRegionId: rule.remoteRegionId,
    remoteNamespace: rule.remoteNamespace,
    syncAuto: rule.syncAuto,
    override: rule.override,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

function jobPayload(job: SyncJobRecord): SyncJobPayload {
  return {
    id: job.id,
    accountId: job.requester.accountId,
    accountName: job.requester.accountName,
    repository: job.repository,
    tag: job.tag,
    remoteRegionId: job.remoteRegionId,
    remoteNamespace: job.remoteNamespace,
    override: job.override,
    status: job.status,
    operatorId: job.requester.userId,
    operatorName: job.requester.userName,
    detail: job.detail,
    copiedBytes: job.copiedBytes,
    totalBytes: job.totalBytes,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  };
}

/**
 * Image sync between regions: auto-sync rules (a pushed tag is copied), manual syncs of existing
 * tags, and the jobs that copy one tag each, with their records. Deletes are not propagated.
 */
export class ImageSync {
  /** Aborts the copies under way when the process stops. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: SyncStore,
    private readonly source: Pick<SourceImages, 'manifest'>,
    private readonly copier: ImageCopier,
    private readonly jobs: SyncJobs,
    private readonly settings: SyncSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  regions(): string[] {
    return [...this.settings.regions.keys()];
  }

  async createRule(repository: string, requester: Requester, target: SyncTarget, options: { syncAuto: boolean; override: boolean }): Promise<number> {
    this.regionUrl(target.remoteRegionId);
    const id = await this.store.createRule({ repository, requester, ...target, ...options });
    if (id === undefined) throw new SyncError('SYNC_RULE_EXISTS', `${repository} has a sync rule to ${target.remoteRegionId}/${target.remoteNamespace} already`);
    return id;
  }

  async deleteRule(repository: string, target: SyncTarget): Promise<void> {
    if (!(await this.store.deleteRule(repository, target))) {
      throw new SyncError('SYNC_RULE_NOT_FOUND', `${repository} has no sync rule to ${target.remoteRegionId}/${target.remoteNamespace}`);
    }
  }

  async listRules(repository: string, accountId: string): Promise<SyncRulePayload[]> {
    return (await this.store.listRules(repository)).filter((r) => r.requester.accountId === accountId).map(rulePayload);
  }

  /** Queues one job per tag that exists; answers the tags that do not. */
  async syncTags(repository: string, requester: Requester, target: SyncTarget, tags: readonly string[], override: boolean): Promise<string[]> {
    this.regionUrl(target.remoteRegionId);
    const found: string[] = [];
    const failed: string[] = [];
    for (const tag of new Set(tags)) ((await this.source.manifest(repository, tag)) ? found : failed).push(tag);
    if (found.length) {
      const ids = await this.store.addManualJobs(found.map((tag) => ({ repository, tag, override, requester, ...target })));
      for (const id of ids) await this.jobs.enqueue(id);
    }
    return failed;
  }

  /**
   * A pushed tag: one job per auto-sync rule of its repository that existed at the push (a rule
   * copies what is pushed after it, as in SWR), once per event however often it is delivered.
   */
  async onPushed(eventId: string, pushedAt: Date, repository: string, tag: string | undefined): Promise<void> {
    if (tag === undefined) return;
    const rules = (await this.store.listRules(repository)).filter((r) => r.syncAuto && r.createdAt <= pushedAt);
    if (!rules.length) return;
    const jobs: NewSyncJob[] = rules.map((r) => ({ repository, tag, override: r.override, requester: r.requester, remoteRegionId: r.remoteRegionId, remoteNamespace: r.remoteNamespace }));
    for (const id of await this.store.addJobsFor(eventId, jobs)) await this.jobs.enqueue(id);
  }

  async listJobs(repository: string, accountId: string, page: { limit: number; offset: number; order: 'asc' | 'desc' }): Promise<{ jobs: SyncJobPayload[]; total: number }> {
    const { jobs, total } = await this.store.listJobs(repository, accountId, page);
    return { jobs: jobs.map(jobPayload), total };
  }

  /**
   * Queues again every job not ended: a standalone registry's in-process queue does not outlive
   * the process, and adding a job the queue still holds does nothing (the queue keys jobs by id).
   */
  async requeueUnfinished(): Promise<number> {
    const ids = await this.store.unfinishedJobs();
    for (const id of ids) await this.jobs.enqueue(id);
    return ids.length;
  }

  /** Ends the copies under way (they fail this try and are resumed by a later one); called when the process stops. */
  stop(): void {
    this.stopping.abort(new Error('the sync worker is stopping'));
  }

  forgetRepository(repository: string): Promise<void> {
    return this.store.forgetRepository(repository);
  }

  /**
   * One try of a job: copies the tag, and records how it ended. A failure that another try may
   * fix answers `retry` (after a note of why) until the last try; a refusal, or the time limit, ends it.
   */
  async run(jobId: number, lastTry: boolean): Promise<TryOutcome> {
    const job = await this.store.start(jobId, this.now());
    if (!job) return 'done';
    const remaining = (job.startedAt ?? this.now()).getTime() + this.settings.jobTimeoutMs - this.now().getTime();
    if (remaining <= 0) return this.end(job, 'timeout', `not finished within ${Math.round(this.settings.jobTimeoutMs / 1000)} s`);
    const deadline = AbortSignal.timeout(remaining);
    let lastWrite = 0;
    const onProgress = (copied: number, total: number) => {
      const at = Date.now();
      if (copied < total && at - lastWrite < this.settings.progressEveryMs) return;
      lastWrite = at;
      void this.store.progress(job.id, copied, total).catch(() => undefined);
    };
    try {
      const baseUrl = this.regionUrl(job.remoteRegionId);
      const outcome = await this.copier.copy(
        {
          jobId: job.id,
          repository: job.repository,
          tag: job.tag,
          override: job.override,
          accountName: job.requester.accountName,
          regionId: job.remoteRegionId,
          baseUrl,
          targetRepository: targetRepository(job.repository, job.remoteNamespace),
        },
        AbortSignal.any([deadline, this.stopping.signal]),
        onProgress,
      );
      return this.end(job, outcome.status, outcome.detail);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (this.stopping.signal.aborted) return 'retry';
      if (deadline.aborted) return this.end(job, 'timeout', `not finished within ${Math.round(this.settings.jobTimeoutMs / 1000)} s: ${detail}`);
      if (error instanceof SyncRefused || error instanceof SyncError || lastTry) return this.end(job, 'failed', detail);
      await this.store.note(job.id, `will try again: ${detail}`);
      return 'retry';
    }
  }

  private async end(job: SyncJobRecord, status: 'success' | 'existed' | 'failed' | 'timeout', detail: string): Promise<TryOutcome> {
    await this.store.finish(job.id, status, detail.slice(0, 1000));
    return 'done';
  }

  private regionUrl(regionId: string): string {
    const url = this.settings.regions.get(regionId);
    if (!url) throw new SyncError('SYNC_INVALID', `remoteRegionId ${regionId} is not a sync region of this registry (GET /v2/manage/regions lists them)`);
    return url;
  }
}
