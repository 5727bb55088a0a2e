import type { AccountRecord, Directory, UserRecord } from '@swr/iam-core';
import { randomUUID } from 'node:crypto';
import { RESOURCE_TYPES } from '@swr/contracts';
import { returnedRows, touchedRows } from '@swr/db';
import { recordEvent } from './events';
import type { DataSource } from 'typeorm';

interface AccountRow {
  id: string;
  name: string;
  enabled: boolean;
  created_at: Date;
}

interface UserRow {
  id: string;
  account_id: string;
  account_name: string;
  name: string;
  password_hash: string;
  is_admin: boolean;
  enabled: boolean;
  created_at: Date;
}

const USER_COLUMNS = `u.id, u.account_id, a.name AS account_name, u.name, u.password_hash, u.is_admin,
  (u.enabled AND a.enabled) AS enabled, u.created_at`;

/** Ids come from requests: anything that is not a UUID names nothing (and never reaches a uuid column). */
const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

const toAccount = (r: AccountRow): AccountRecord => ({ id: r.id, name: r.name, enabled: r.enabled, createdAt: r.created_at });
const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name,
  name: r.name,
  passwordHash: r.password_hash,
  isAdmin: r.is_admin,
  enabled: r.enabled,
  createdAt: r.created_at,
});

const accountResource = (id: string, name: string) => ({ type: RESOURCE_TYPES.account, name, id });
const userResource = (id: string, name: string) => ({ type: RESOURCE_TYPES.user, name, id });

export class PostgresDirectory implements Directory {
  constructor(private readonly db: DataSource) {}

  async createAccount(name: string, admin: { name: string; passwordHash: string }) {
    return this.db.transaction(async (tx) => {
      const accounts: AccountRow[] = await tx.query('INSERT INTO iam.account (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING *', [randomUUID(), name]);
      if (!accounts.length) return undefined;
      const account = toAccount(accounts[0]);
      const userId = randomUUID();
      await tx.query('INSERT INTO iam.iam_user (id, account_id, name, password_hash, is_admin) VALUES ($1, $2, $3, $4, true)', [userId, account.id, admin.name, admin.passwordHash]);
      const users: UserRow[] = await tx.query(`SELECT ${USER_COLUMNS} FROM iam.iam_user u JOIN iam.account a ON a.id = u.account_id WHERE u.id = $1`, [userId]);
      await recordEvent(tx, 'account.created', accountResource(account.id, name), { accountId: account.id, name });
      return { account, admin: toUser(users[0]) };
    });
  }

  async findAccountByName(name: string) {
    const rows: AccountRow[] = await this.db.query('SELECT * FROM iam.account WHERE name = $1', [name]);
    return rows.length ? toAccount(rows[0]) : undefined;
  }

  async listAccounts() {
    const rows: AccountRow[] = await this.db.query('SELECT * FROM iam.account ORDER BY name');
    return rows.map(toAccount);
  }

  async setAccountEnabled(id: string, enabled: boolean) {
    if (!isUuid(id)) return false;
    return this.db.transaction(async (tx) => {
      const changed = await returnedRows<{ name: string }>(tx, 'UPDATE iam.account SET enabled = $2 WHERE id = $1 RETURNING name', [id, enabled]);
      if (!changed.length) return false;
      await recordEvent(tx, 'account.updated', accountResource(id, changed[0].name), { accountId: id, name: changed[0].name, enabled });
      return true;
    });
  }

  async createUser(accountId: string, user: { name: string; passwordHash: string; isAdmin: boolean }) {
    const id = randomUUID();
    const created = await this.db.transaction(async (tx) => {
      const inserted = await touchedRows(
        tx,
        'INSERT INTO iam.iam_user (id, account_id, name, password_hash, is_admin) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, name) DO NOTHING',
        [id, accountId, user.name, user.passwordHash, user.isAdmin],
      );
      if (inserted) await recordEvent(tx, 'user.created', userResource(id, user.name), { userId: id, name: user.name });
      return inserted;
    });
    return created ? this.findUser(id) : undefined;
  }

  async findUser(id: string) {
    if (!isUuid(id)) return undefined;
    const rows: UserRow[] = await this.db.query(`SELECT ${USER_COLUMNS} FROM iam.iam_user u JOIN iam.account a ON a.id = u.account_id WHERE u.id = $1`, [id]);
    return rows.length ? toUser(rows[0]) : undefined;
  }

  async findUsersByName(name: string, accountName?: string) {
    const rows: UserRow[] = await this.db.query(
      `SELECT ${USER_COLUMNS} FROM iam.iam_user u JOIN iam.account a ON a.id = u.account_id
        WHERE u.name = $1 AND ($2::text IS NULL OR a.name = $2) LIMIT 2`,
      [name, accountName ?? null],
    );
    return rows.map(toUser);
  }

  async listUsers(accountId: string) {
    const rows: UserRow[] = await this.db.query(`SELECT ${USER_COLUMNS} FROM iam.iam_user u JOIN iam.account a ON a.id = u.account_id WHERE u.account_id = $1 ORDER BY u.name`, [accountId]);
    return rows.map(toUser);
  }

  async updateUser(id: string, change: { passwordHash?: string; enabled?: boolean }) {
    if (!isUuid(id)) return undefined;
    await this.db.transaction(async (tx) => {
      const changed = await returnedRows<{ name: string; enabled: boolean }>(
        tx,
        'UPDATE iam.iam_user SET password_hash = COALESCE($2, password_hash), enabled = COALESCE($3, enabled) WHERE id = $1 RETURNING name, enabled',
        [id, change.passwordHash ?? null, change.enabled ?? null],
      );
      if (!changed.length) return;
      await recordEvent(tx, 'user.updated', userResource(id, changed[0].name), {
        userId: id,
        name: changed[0].name,
        enabled: changed[0].enabled,
        passwordChanged: change.passwordHash !== undefined,
      });
    });
    return this.findUser(id);
  }

  async deleteUser(id: string) {
    if (!isUuid(id)) return false;
    return this.db.transaction(async (tx) => {
      const gone = await returnedRows<{ name: string }>(tx, 'DELETE FROM iam.iam_user WHERE id = $1 RETURNING name', [id]);
      if (!gone.length) return false;
      await recordEvent(tx, 'user.deleted', userResource(id, gone[0].name), { userId: id });
      return true;
    });
  }
}
