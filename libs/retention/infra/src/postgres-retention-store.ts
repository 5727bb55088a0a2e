import type { RetentionLogPayload, RetentionRulePayload } from '@swr/contracts';
import { RESOURCE_TYPES, type DomainEventData, type DomainEventType } from '@swr/contracts';
import { appendToOutbox, returnedRows, touchedRows } from '@swr/db';
import { domainEvent } from '@swr/messaging';
import type { PolicyRecord, RemovedTag, RetentionStore } from '@swr/retention-core';
import type { DataSource, EntityManager } from 'typeorm';
import { RETENTION_SCHEMA } from './migrations';

interface PolicyRow {
  id: number;
  repository: string;
  account_id: string;
  rules: RetentionRulePayload[];
}

const toRecord = (row: PolicyRow): PolicyRecord => ({ id: row.id, repository: row.repository, accountId: row.account_id, rules: row.rules });

/** Records a policy change in the outbox, in the transaction that makes it; named as the API names the policy (`repository:id`, the repository for a creation). */
function recordEvent<T extends 'retention.created' | 'retention.updated' | 'retention.deleted'>(tx: EntityManager, type: T & DomainEventType, data: DomainEventData<T>): Promise<void> {
  const name = type === 'retention.created' ? data.repository : `${data.repository}:${data.id}`;
  return appendToOutbox(tx, RETENTION_SCHEMA, domainEvent(type, { type: RESOURCE_TYPES.retention, name, id: String(data.id) }, data));
}

export class PostgresRetentionStore implements RetentionStore {
  constructor(private readonly db: DataSource) {}

  create(repository: string, accountId: string, rules: readonly RetentionRulePayload[]): Promise<number | undefined> {
    return this.db.transaction(async (tx) => {
      const rows = await returnedRows<{ id: number }>(
        tx,
        'INSERT INTO retention.policy (repository, account_id, rules) VALUES ($1, $2, $3) ON CONFLICT (repository) DO NOTHING RETURNING id',
        [repository, accountId, JSON.stringify(rules)],
      );
      if (rows.length) await recordEvent(tx, 'retention.created', { repository, id: rows[0].id });
      return rows[0]?.id;
    });
  }

  async list(repository: string): Promise<PolicyRecord[]> {
    return ((await this.db.query('SELECT id, repository, account_id, rules FROM retention.policy WHERE repository = $1 ORDER BY id', [repository])) as PolicyRow[]).map(toRecord);
  }

  async page(after: number, limit: number): Promise<PolicyRecord[]> {
    return ((await this.db.query('SELECT id, repository, account_id, rules FROM retention.policy WHERE id > $1 ORDER BY id LIMIT $2', [after, limit])) as PolicyRow[]).map(toRecord);
  }

  async find(repository: string, id: number): Promise<PolicyRecord | undefined> {
    const rows: PolicyRow[] = await this.db.query('SELECT id, repository, account_id, rules FROM retention.policy WHERE repository = $1 AND id = $2', [repository, id]);
    return rows.length ? toRecord(rows[0]) : undefined;
  }

  update(repository: string, id: number, rules: readonly RetentionRulePayload[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await touchedRows(tx, 'UPDATE retention.policy SET rules = $3, updated_at = now() WHERE repository = $1 AND id = $2', [repository, id, JSON.stringify(rules)]);
      if (updated) await recordEvent(tx, 'retention.updated', { repository, id });
      return updated;
    });
  }

  remove(repository: string, id: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const removed = await touchedRows(tx, 'DELETE FROM retention.policy WHERE repository = $1 AND id = $2', [repository, id]);
      if (removed) await recordEvent(tx, 'retention.deleted', { repository, id });
      return removed;
    });
  }

  async forgetRepository(repository: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM retention.policy WHERE repository = $1', [repository]);
      await tx.query('DELETE FROM retention.history WHERE repository = $1', [repository]);
    });
  }

  async recordRemovals(policy: PolicyRecord, removed: readonly RemovedTag[]): Promise<void> {
    if (!removed.length) return;
    await this.db.query(
      `INSERT INTO retention.history (retention_id, repository, tag, digest, rule_type)
       SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[])`,
      [policy.id, policy.repository, removed.map((r) => r.tag), removed.map((r) => r.digest), removed.map((r) => r.ruleType)],
    );
  }

  async histories(repository: string, limit: number, offset: number): Promise<{ logs: RetentionLogPayload[]; total: number }> {
    const rows: Array<{ id: string; retention_id: number; tag: string; digest: string; rule_type: string; created_at: Date; total: string }> = await this.db.query(
      'SELECT id, retention_id, tag, digest, rule_type, created_at, count(*) OVER () AS total FROM retention.history WHERE repository = $1 ORDER BY id DESC LIMIT $2 OFFSET $3',
      [repository, limit, offset],
    );
    const total = rows.length ? Number(rows[0].total) : Number((await this.db.query('SELECT count(*) AS n FROM retention.history WHERE repository = $1', [repository]))[0].n);
    return {
      logs: rows.map((r) => ({ id: Number(r.id), retentionId: r.retention_id, repository, tag: r.tag, digest: r.digest, ruleType: r.rule_type, createdAt: r.created_at.toISOString() })),
      total,
    };
  }
}
