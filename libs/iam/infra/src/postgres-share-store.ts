import type { AccountShare, NewShare, ShareRecord, ShareStore } from '@swr/iam-core';
import { RESOURCE_TYPES } from '@swr/contracts';
import { returnedRows } from '@swr/db';
import type { DataSource } from 'typeorm';
import { recordEvent } from './events';

interface ShareRow {
  repository: string;
  account_id: string;
  account_name: string;
  permit: 'read';
  ends_at: Date | null;
  description: string;
  creator_id: string;
  creator_name: string;
  created_at: Date;
  updated_at: Date;
}

const SELECT = 'SELECT s.*, a.name AS account_name FROM iam.share s JOIN iam.account a ON a.id = s.account_id';

const toShare = (r: ShareRow): ShareRecord => ({
  repository: r.repository,
  accountId: r.account_id,
  accountName: r.account_name,
  permit: r.permit,
  endsAt: r.ends_at ?? undefined,
  description: r.description,
  creatorId: r.creator_id,
  creatorName: r.creator_name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const shareResource = (repository: string, grantee: string) => ({ type: RESOURCE_TYPES.share, name: `${repository}:${grantee}` });

function shareData(repository: string, grantee: string, share: Pick<ShareRecord, 'permit' | 'endsAt'>) {
  return { repository, accessDomain: grantee, permit: share.permit, ...(share.endsAt ? { deadline: share.endsAt.toISOString() } : {}) };
}

export class PostgresShareStore implements ShareStore {
  constructor(private readonly db: DataSource) {}

  async add(share: NewShare): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const added = await returnedRows<{ grantee: string }>(
        tx,
        `INSERT INTO iam.share (repository, account_id, permit, ends_at, description, creator_id, creator_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (repository, account_id) DO NOTHING
         RETURNING (SELECT name FROM iam.account WHERE id = account_id) AS grantee`,
        [share.repository, share.accountId, share.permit, share.endsAt ?? null, share.description, share.creatorId, share.creatorName],
      );
      if (!added.length) return false;
      await recordEvent(tx, 'share.created', shareResource(share.repository, added[0].grantee), shareData(share.repository, added[0].grantee, share));
      return true;
    });
  }

  async list(repository: string): Promise<ShareRecord[]> {
    const rows: ShareRow[] = await this.db.query(`${SELECT} WHERE s.repository = $1 ORDER BY a.name`, [repository]);
    return rows.map(toShare);
  }

  async find(repository: string, accountName: string): Promise<ShareRecord | undefined> {
    const rows: ShareRow[] = await this.db.query(`${SELECT} WHERE s.repository = $1 AND a.name = $2`, [repository, accountName]);
    return rows.length ? toShare(rows[0]) : undefined;
  }

  async update(repository: string, accountId: string, change: Pick<ShareRecord, 'permit' | 'endsAt' | 'description'>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const changed = await returnedRows<{ grantee: string }>(
        tx,
        `UPDATE iam.share SET permit = $3, ends_at = $4, description = $5, updated_at = now() WHERE repository = $1 AND account_id = $2
         RETURNING (SELECT name FROM iam.account WHERE id = account_id) AS grantee`,
        [repository, accountId, change.permit, change.endsAt ?? null, change.description],
      );
      if (!changed.length) return false;
      await recordEvent(tx, 'share.changed', shareResource(repository, changed[0].grantee), shareData(repository, changed[0].grantee, change));
      return true;
    });
  }

  async remove(repository: string, accountId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const gone = await returnedRows<{ grantee: string }>(
        tx,
        'DELETE FROM iam.share WHERE repository = $1 AND account_id = $2 RETURNING (SELECT name FROM iam.account WHERE id = account_id) AS grantee',
        [repository, accountId],
      );
      if (!gone.length) return false;
      await recordEvent(tx, 'share.deleted', shareResource(repository, gone[0].grantee), { repository, accessDomain: gone[0].grantee });
      return true;
    });
  }

  async listSharedBy(accountId: string): Promise<AccountShare[]> {
    const rows: Array<{ repository: string; other: string; ends_at: Date | null }> = await this.db.query(
      `SELECT s.repository, a.name AS other, s.ends_at FROM iam.share s
         JOIN iam.organization o ON o.name = split_part(s.repository, '/', 1)
         JOIN iam.account a ON a.id = s.account_id
        WHERE o.account_id = $1 ORDER BY s.repository, a.name`,
      [accountId],
    );
    return rows.map((r) => ({ repository: r.repository, otherAccountName: r.other, endsAt: r.ends_at ?? undefined }));
  }

  async listSharedWith(accountId: string): Promise<AccountShare[]> {
    const rows: Array<{ repository: string; other: string; ends_at: Date | null }> = await this.db.query(
      `SELECT s.repository, a.name AS other, s.ends_at FROM iam.share s
         JOIN iam.organization o ON o.name = split_part(s.repository, '/', 1)
         JOIN iam.account a ON a.id = o.account_id
        WHERE s.account_id = $1 ORDER BY s.repository`,
      [accountId],
    );
    return rows.map((r) => ({ repository: r.repository, otherAccountName: r.other, endsAt: r.ends_at ?? undefined }));
  }

  async count(repository: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query('SELECT count(*)::int AS n FROM iam.share WHERE repository = $1', [repository]);
    return rows[0].n;
  }
}
