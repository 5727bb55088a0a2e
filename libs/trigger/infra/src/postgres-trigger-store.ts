import { DomainEventData, DomainEventType, NewTrigger, RESOURCE_TYPES, TriggerHistoryView, WebhookSettings } from '@swr/contracts';
import type { Delivery, DeliveryJob, HistoryEntry, TriggerRecord, TriggerStore } from '@swr/trigger-core';
import type { SecretBox } from '@swr/auth';
import { appendToOutbox, returnedRows, touchedRows } from '@swr/db';
import { domainEvent } from '@swr/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { TRIGGER_SCHEMA } from './migrations';

/** TriggerRow's columns, named rather than starred, so that the reads are prepared statements (see PreparingClient). */
const TRIGGER_COLUMNS =
  'id, repository, name, action, trigger_type, condition, enabled, trigger_mode, app_type, application, cluster_id, cluster_name, cluster_ns, container, webhook, creator_name, created_at';

interface TriggerRow {
  id: string;
  repository: string;
  name: string;
  action: TriggerRecord['action'];
  trigger_type: TriggerRecord['triggerType'];
  condition: string;
  enabled: boolean;
  trigger_mode: string;
  app_type: string;
  application: string;
  cluster_id: string;
  cluster_name: string;
  cluster_ns: string;
  container: string;
  webhook: StoredWebhook | null;
  creator_name: string;
  created_at: Date;
}

/** A webhook as stored: its signing secret sealed, so that a database dump alone does not reveal it. */
type StoredWebhook = Omit<WebhookSettings, 'secret'> & { sealedSecret?: string };

const sealed = (webhook: WebhookSettings, box: SecretBox): StoredWebhook => {
  const { secret, ...rest } = webhook;
  return secret === undefined ? rest : { ...rest, sealedSecret: box.seal(secret) };
};

const opened = (webhook: StoredWebhook, box: SecretBox): WebhookSettings => {
  const { sealedSecret, ...rest } = webhook;
  return sealedSecret === undefined ? rest : { ...rest, secret: box.open(sealedSecret) };
};

const toRecord = (r: TriggerRow, box: SecretBox): TriggerRecord => ({
  id: String(r.id),
  repository: r.repository,
  name: r.name,
  action: r.action,
  triggerType: r.trigger_type,
  condition: r.condition,
  enabled: r.enabled,
  triggerMode: r.trigger_mode,
  appType: r.app_type,
  application: r.application,
  clusterId: r.cluster_id,
  clusterName: r.cluster_name,
  clusterNs: r.cluster_ns,
  container: r.container,
  ...(r.webhook ? { webhook: opened(r.webhook, box) } : {}),
  creatorName: r.creator_name,
  createdAt: r.created_at,
});

const isId = (id: string) => /^\d{1,18}$/.test(id);

/** Records a trigger change in the outbox, in the transaction that makes it. */
function recordEvent<T extends DomainEventType>(tx: EntityManager, type: T, repository: string, name: string, data: DomainEventData<T>): Promise<void> {
  return appendToOutbox(tx, TRIGGER_SCHEMA, domainEvent(type, { type: RESOURCE_TYPES.trigger, name: `${repository}:${name}` }, data));
}

export class PostgresTriggerStore implements TriggerStore {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  create(t: NewTrigger): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const created = await touchedRows(
        tx,
      `INSERT INTO triggers.trigger (repository, name, action, trigger_type, condition, enabled, trigger_mode, app_type, application,
         cluster_id, cluster_name, cluster_ns, container, webhook, creator_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (repository, name) DO NOTHING`,
      [
        t.repository,
        t.name,
        t.action,
        t.triggerType,
        t.condition,
        t.enabled,
        t.triggerMode,
        t.appType,
        t.application,
        t.clusterId,
        t.clusterName,
        t.clusterNs,
        t.container,
        t.webhook ? JSON.stringify(sealed(t.webhook, this.box)) : null,
        t.creatorName,
      ],
      );
      if (created) await recordEvent(tx, 'trigger.created', t.repository, t.name, { repository: t.repository, name: t.name, action: t.action, enabled: t.enabled });
      return created;
    });
  }

  async find(repository: string, name: string): Promise<TriggerRecord | undefined> {
    const rows: TriggerRow[] = await this.db.query(`SELECT ${TRIGGER_COLUMNS} FROM triggers.trigger WHERE repository = $1 AND name = $2`, [repository, name]);
    return rows.length ? toRecord(rows[0], this.box) : undefined;
  }

  async findById(id: string): Promise<TriggerRecord | undefined> {
    if (!isId(id)) return undefined;
    const rows: TriggerRow[] = await this.db.query(`SELECT ${TRIGGER_COLUMNS} FROM triggers.trigger WHERE id = $1`, [id]);
    return rows.length ? toRecord(rows[0], this.box) : undefined;
  }

  async list(repository: string): Promise<TriggerRecord[]> {
    const rows: TriggerRow[] = await this.db.query(`SELECT ${TRIGGER_COLUMNS} FROM triggers.trigger WHERE repository = $1 ORDER BY created_at, id`, [repository]);
    return rows.map((r) => toRecord(r, this.box));
  }

  async enabledFor(repositories: readonly string[]): Promise<TriggerRecord[]> {
    const rows: TriggerRow[] = await this.db.query(`SELECT ${TRIGGER_COLUMNS} FROM triggers.trigger WHERE repository = ANY($1::text[]) AND enabled`, [repositories]);
    return rows.map((r) => toRecord(r, this.box));
  }

  setEnabled(repository: string, name: string, enabled: boolean): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await touchedRows(tx, 'UPDATE triggers.trigger SET enabled = $3 WHERE repository = $1 AND name = $2', [repository, name, enabled]))) return false;
      await recordEvent(tx, 'trigger.updated', repository, name, { repository, name, enabled });
      return true;
    });
  }

  remove(repository: string, name: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await touchedRows(tx, 'DELETE FROM triggers.trigger WHERE repository = $1 AND name = $2', [repository, name]))) return false;
      await recordEvent(tx, 'trigger.deleted', repository, name, { repository, name });
      return true;
    });
  }

  async recordRedelivery(repository: string, name: string, deliveryId: string): Promise<void> {
    await this.db.transaction((tx) => recordEvent(tx, 'trigger.redelivery-requested', repository, name, { repository, name, deliveryId }));
  }

  async removeRepository(repository: string): Promise<number> {
    return (await returnedRows(this.db, 'DELETE FROM triggers.trigger WHERE repository = $1 RETURNING 1', [repository])).length;
  }

  async saveDeliveries(jobs: readonly DeliveryJob[]): Promise<void> {
    if (!jobs.length) return;
    await this.db.query(
      `INSERT INTO triggers.delivery (id, trigger_id, content)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
      [jobs.map((j) => j.delivery.id), jobs.map((j) => j.triggerId), jobs.map((j) => JSON.stringify(j.delivery))],
    );
  }

  async settle(triggerId: string, deliveryId: string): Promise<void> {
    if (!isId(triggerId)) return;
    await this.db.query('UPDATE triggers.delivery SET settled = true WHERE trigger_id = $1 AND id = $2 AND NOT settled', [triggerId, deliveryId]);
  }

  async unsettled(limit: number): Promise<DeliveryJob[]> {
    const rows: Array<{ trigger_id: string; content: Delivery }> = await this.db.query(
      'SELECT trigger_id, content FROM triggers.delivery WHERE NOT settled ORDER BY created_at LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ triggerId: String(r.trigger_id), delivery: r.content }));
  }

  async findDelivery(triggerId: string, deliveryId: string): Promise<Delivery | undefined> {
    if (!isId(triggerId)) return undefined;
    const rows: Array<{ content: Delivery }> = await this.db.query('SELECT content FROM triggers.delivery WHERE trigger_id = $1 AND id = $2', [triggerId, deliveryId]);
    return rows[0]?.content;
  }

  async addHistory(e: HistoryEntry): Promise<void> {
    await this.db.query(
      'INSERT INTO triggers.attempt (trigger_id, delivery_id, attempt, result, status, detail, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [e.triggerId, e.deliveryId, e.attempt, e.result, e.status, e.detail, e.durationMs],
    );
  }

  async histories(triggerIds: readonly string[], perTrigger: number): Promise<Map<string, TriggerHistoryView[]>> {
    const byTrigger = new Map<string, TriggerHistoryView[]>();
    if (!triggerIds.length) return byTrigger;
    const rows: Array<{
      trigger_id: string;
      delivery_id: string;
      attempt: number;
      result: 'success' | 'failed';
      status: number;
      detail: string;
      duration_ms: number;
      created_at: Date;
      content: Delivery | null;
    }> = await this.db.query(
      `SELECT a.*, d.content FROM unnest($1::bigint[]) AS t(id)
         CROSS JOIN LATERAL (SELECT * FROM triggers.attempt WHERE trigger_id = t.id ORDER BY id DESC LIMIT $2) a
         LEFT JOIN triggers.delivery d ON d.trigger_id = a.trigger_id AND d.id = a.delivery_id
        ORDER BY a.id DESC`,
      [triggerIds, perTrigger],
    );
    for (const r of rows) {
      const entry: TriggerHistoryView = {
        deliveryId: r.delivery_id,
        tag: r.content?.tag ?? '',
        digest: r.content?.digest ?? '',
        event: r.content?.event ?? 'push',
        result: r.result,
        detail: r.detail,
        status: r.status,
        attempt: r.attempt,
        durationMs: r.duration_ms,
        createdAt: r.created_at.toISOString(),
      };
      const key = String(r.trigger_id);
      byTrigger.set(key, [...(byTrigger.get(key) ?? []), entry]);
    }
    return byTrigger;
  }
}
