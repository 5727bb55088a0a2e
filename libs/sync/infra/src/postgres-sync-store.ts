import { RESOURCE_TYPES, type SyncJobStatus } from '@swr/contracts';
import { appendToOutbox, returnedRows, touchedRows } from '@swr/db';
import { domainEvent } from '@swr/messaging';
import type { NewSyncJob, RemoteUpload, Requester, SyncJobRecord, SyncRuleRecord, SyncStore, SyncTarget } from '@swr/sync-core';
import type { DataSource, EntityManager } from 'typeorm';
import { SYNC_SCHEMA } from './migrations';

interface RequesterRow {
  account_id: string;
  account_name: string;
  user_id: string;
  user_name: string;
}

/** RuleRow's columns, named rather than starred, so that the read is a prepared statement (see PreparingClient). */
const RULE_COLUMNS = 'id, repository, remote_region_id, remote_namespace, sync_auto, override, created_at, updated_at, account_id, account_name, user_id, user_name';

interface RuleRow extends RequesterRow {
  id: number;
  repository: string;
  remote_region_id: string;
  remote_namespace: string;
  sync_auto: boolean;
  override: boolean;
  created_at: Date;
  updated_at: Date;
}

interface JobRow extends RequesterRow {
  id: number;
  repository: string;
  tag: string;
  remote_region_id: string;
  remote_namespace: string;
  override: boolean;
  status: SyncJobStatus;
  detail: string;
  copied_bytes: string;
  total_bytes: string;
  started_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const requesterOf = (row: RequesterRow): Requester => ({ accountId: row.account_id, accountName: row.account_name, userId: row.user_id, userName: row.user_name });

const ruleOf = (row: RuleRow): SyncRuleRecord => ({
  id: row.id,
  repository: row.repository,
  remoteRegionId: row.remote_region_id,
  remoteNamespace: row.remote_namespace,
  requester: requesterOf(row),
  syncAuto: row.sync_auto,
  override: row.override,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const jobOf = (row: JobRow): SyncJobRecord => ({
  id: row.id,
  repository: row.repository,
  tag: row.tag,
  remoteRegionId: row.remote_region_id,
  remoteNamespace: row.remote_namespace,
  override: row.override,
  requester: requesterOf(row),
  status: row.status,
  detail: row.detail,
  copiedBytes: Number(row.copied_bytes),
  totalBytes: Number(row.total_bytes),
  startedAt: row.started_at ?? undefined,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const JOB_COLUMNS = 'repository, tag, remote_region_id, remote_namespace, override, account_id, account_name, user_id, user_name';

/** The jobs as unnest() arrays, in JOB_COLUMNS order. */
function jobArrays(jobs: readonly NewSyncJob[]): unknown[] {
  return [
    jobs.map((j) => j.repository),
    jobs.map((j) => j.tag),
    jobs.map((j) => j.remoteRegionId),
    jobs.map((j) => j.remoteNamespace),
    jobs.map((j) => j.override),
    jobs.map((j) => j.requester.accountId),
    jobs.map((j) => j.requester.accountName),
    jobs.map((j) => j.requester.userId),
    jobs.map((j) => j.requester.userName),
  ];
}
const UNNEST_JOBS = 'unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[], $9::text[])';

function ruleEvent(tx: EntityManager, type: 'sync-rule.created' | 'sync-rule.deleted', repository: string, target: SyncTarget, override?: boolean): Promise<void> {
  const resource = { type: RESOURCE_TYPES.syncRule, name: `${repository}:${target.remoteRegionId}/${target.remoteNamespace}` };
  const data = { repository, remoteRegionId: target.remoteRegionId, remoteNamespace: target.remoteNamespace };
  const entry = type === 'sync-rule.created' ? domainEvent(type, resource, { ...data, override: override ?? false }) : domainEvent(type, resource, data);
  return appendToOutbox(tx, SYNC_SCHEMA, entry);
}

export class PostgresSyncStore implements SyncStore {
  constructor(private readonly db: DataSource) {}

  createRule(rule: { repository: string; requester: Requester; syncAuto: boolean; override: boolean } & SyncTarget): Promise<number | undefined> {
    const r = rule.requester;
    return this.db.transaction(async (tx) => {
      const rows = await returnedRows<{ id: number }>(
        tx,
        `INSERT INTO sync.rule (repository, remote_region_id, remote_namespace, account_id, account_name, user_id, user_name, sync_auto, override)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id`,
        [rule.repository, rule.remoteRegionId, rule.remoteNamespace, r.accountId, r.accountName, r.userId, r.userName, rule.syncAuto, rule.override],
      );
      if (rows.length) await ruleEvent(tx, 'sync-rule.created', rule.repository, rule, rule.override);
      return rows[0]?.id;
    });
  }

  deleteRule(repository: string, target: SyncTarget): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const removed = await touchedRows(tx, 'DELETE FROM sync.rule WHERE repository = $1 AND remote_region_id = $2 AND remote_namespace = $3', [
        repository,
        target.remoteRegionId,
        target.remoteNamespace,
      ]);
      if (removed) await ruleEvent(tx, 'sync-rule.deleted', repository, target);
      return removed;
    });
  }

  async listRules(repository: string): Promise<SyncRuleRecord[]> {
    return ((await this.db.query(`SELECT ${RULE_COLUMNS} FROM sync.rule WHERE repository = $1 ORDER BY id`, [repository])) as RuleRow[]).map(ruleOf);
  }

  addManualJobs(jobs: readonly NewSyncJob[]): Promise<number[]> {
    return this.db.transaction(async (tx) => {
      const rows = await returnedRows<{ id: number }>(tx, `INSERT INTO sync.job (${JOB_COLUMNS}) SELECT * FROM ${UNNEST_JOBS} RETURNING id`, jobArrays(jobs));
      const first = jobs[0];
      const data = { repository: first.repository, remoteRegionId: first.remoteRegionId, remoteNamespace: first.remoteNamespace, tags: jobs.map((j) => j.tag), override: first.override };
      await appendToOutbox(tx, SYNC_SCHEMA, domainEvent('sync.requested', { type: RESOURCE_TYPES.syncJob, name: first.repository }, data));
      return rows.map((r) => r.id);
    });
  }

  async addJobsFor(cause: string, jobs: readonly NewSyncJob[]): Promise<number[]> {
    const causes = jobs.map((j) => `${cause}/${j.remoteRegionId}/${j.remoteNamespace}`);
    const rows = await returnedRows<{ id: number }>(
      this.db.manager,
      `INSERT INTO sync.job (${JOB_COLUMNS}, cause) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
       ON CONFLICT (cause) DO NOTHING RETURNING id`,
      [...jobArrays(jobs), causes],
    );
    return rows.map((r) => r.id);
  }

  async findJob(id: number): Promise<SyncJobRecord | undefined> {
    const rows: JobRow[] = await this.db.query('SELECT * FROM sync.job WHERE id = $1', [id]);
    return rows.length ? jobOf(rows[0]) : undefined;
  }

  async unfinishedJobs(): Promise<number[]> {
    const rows: Array<{ id: number }> = await this.db.query(`SELECT id FROM sync.job WHERE status IN ('waiting', 'running') ORDER BY id`);
    return rows.map((r) => r.id);
  }

  async start(id: number, now: Date): Promise<SyncJobRecord | undefined> {
    const rows = await returnedRows<JobRow>(
      this.db.manager,
      `UPDATE sync.job SET status = 'running', started_at = coalesce(started_at, $2), updated_at = now()
       WHERE id = $1 AND status IN ('waiting', 'running') RETURNING *`,
      [id, now],
    );
    return rows.length ? jobOf(rows[0]) : undefined;
  }

  async progress(id: number, copiedBytes: number, totalBytes: number): Promise<void> {
    await this.db.query(`UPDATE sync.job SET copied_bytes = $2, total_bytes = $3, updated_at = now() WHERE id = $1 AND status = 'running'`, [id, copiedBytes, totalBytes]);
  }

  async note(id: number, detail: string): Promise<void> {
    await this.db.query(`UPDATE sync.job SET detail = $2, updated_at = now() WHERE id = $1 AND status = 'running'`, [id, detail.slice(0, 1000)]);
  }

  async finish(id: number, status: Exclude<SyncJobStatus, 'waiting' | 'running'>, detail: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await returnedRows<JobRow>(
        tx,
        `UPDATE sync.job SET status = $2, detail = $3, updated_at = now() WHERE id = $1 AND status IN ('waiting', 'running') RETURNING *`,
        [id, status, detail],
      );
      if (!rows.length) return;
      const job = jobOf(rows[0]);
      const resource = { type: RESOURCE_TYPES.syncJob, name: `${job.repository}:${job.tag}`, id: String(job.id), accountId: job.requester.accountId };
      const data = { repository: job.repository, tag: job.tag, remoteRegionId: job.remoteRegionId, remoteNamespace: job.remoteNamespace, status, jobId: job.id };
      const outcome = status === 'success' ? { code: 200 } : { code: status === 'existed' ? 409 : 500, message: detail.slice(0, 300) };
      await appendToOutbox(tx, SYNC_SCHEMA, domainEvent('sync.finished', resource, data, { outcome }));
    });
  }

  async listJobs(repository: string, accountId: string, page: { limit: number; offset: number; order: 'asc' | 'desc' }): Promise<{ jobs: SyncJobRecord[]; total: number }> {
    const direction = page.order === 'asc' ? 'ASC' : 'DESC';
    const rows: Array<JobRow & { total: string }> = await this.db.query(
      `SELECT *, count(*) OVER () AS total FROM sync.job WHERE repository = $1 AND account_id = $2 ORDER BY id ${direction} LIMIT $3 OFFSET $4`,
      [repository, accountId, page.limit, page.offset],
    );
    const total = rows.length
      ? Number(rows[0].total)
      : Number((await this.db.query('SELECT count(*) AS n FROM sync.job WHERE repository = $1 AND account_id = $2', [repository, accountId]))[0].n);
    return { jobs: rows.map(jobOf), total };
  }

  async forgetRepository(repository: string): Promise<void> {
    await this.db.query('DELETE FROM sync.rule WHERE repository = $1', [repository]);
  }

  async findUpload(key: string): Promise<RemoteUpload | undefined> {
    const rows: Array<{ location: string }> = await this.db.query('SELECT location FROM sync.remote_upload WHERE key = $1', [key]);
    return rows.length ? { location: rows[0].location } : undefined;
  }

  async saveUpload(key: string, upload: RemoteUpload): Promise<void> {
    await this.db.query(
      'INSERT INTO sync.remote_upload (key, location) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET location = excluded.location, updated_at = now()',
      [key, upload.location],
    );
  }

  async dropUpload(key: string): Promise<void> {
    await this.db.query('DELETE FROM sync.remote_upload WHERE key = $1', [key]);
  }

  async blobHolder(region: string, accountName: string, digest: string): Promise<string | undefined> {
    const rows: Array<{ repository: string }> = await this.db.query('SELECT repository FROM sync.remote_blob WHERE region = $1 AND account_name = $2 AND digest = $3', [
      region,
      accountName,
      digest,
    ]);
    return rows[0]?.repository;
  }

  async rememberBlobs(region: string, accountName: string, repository: string, digests: readonly string[]): Promise<void> {
    if (!digests.length) return;
    await this.db.query(
      `INSERT INTO sync.remote_blob (region, account_name, digest, repository) SELECT $1, $2, d, $3 FROM unnest($4::text[]) AS d
       ON CONFLICT (region, account_name, digest) DO UPDATE SET repository = excluded.repository`,
      [region, accountName, repository, [...new Set(digests)]],
    );
  }
}
