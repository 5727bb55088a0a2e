import { RESOURCE_TYPES } from '@swr/contracts';
import type { AccessKeyRecord, Credentials, LoginAttempt, SigningKeyRecord, SigningKeys, TemporarySecretRecord, UserRecord } from '@swr/iam-core';
import { returnedRows, touchedRows } from '@swr/db';
import { domainEvent } from '@swr/messaging';
import { IAM_OUTBOX, recordEvent } from './events';
import type { DataSource } from 'typeorm';

interface AccessKeyRow {
  access: string;
  user_id: string;
  sealed_secret: string;
  status: AccessKeyRecord['status'];
  description: string;
  created_at: Date;
}

const toAccessKey = (r: AccessKeyRow): AccessKeyRecord => ({
  access: r.access,
  userId: r.user_id,
  sealedSecret: r.sealed_secret,
  status: r.status,
  description: r.description,
  createdAt: r.created_at,
});

const accessKeyResource = (access: string) => ({ type: RESOURCE_TYPES.accessKey, name: access, id: access });

export class PostgresCredentials implements Credentials {
  constructor(private readonly db: DataSource) {}

  async createAccessKey(key: AccessKeyRecord) {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO iam.access_key (access, user_id, sealed_secret, status, description, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        key.access,
        key.userId,
        key.sealedSecret,
        key.status,
        key.description,
        key.createdAt,
      ]);
      await recordEvent(tx, 'access-key.created', accessKeyResource(key.access), { userId: key.userId, access: key.access });
    });
  }

  async findAccessKey(access: string) {
    const rows: AccessKeyRow[] = await this.db.query('SELECT * FROM iam.access_key WHERE access = $1', [access]);
    return rows.length ? toAccessKey(rows[0]) : undefined;
  }

  async listAccessKeys(userId: string) {
    const rows: AccessKeyRow[] = await this.db.query('SELECT * FROM iam.access_key WHERE user_id = $1 ORDER BY created_at', [userId]);
    return rows.map(toAccessKey);
  }

  setAccessKeyStatus(access: string, status: AccessKeyRecord['status']) {
    return this.db.transaction(async (tx) => {
      const changed = await returnedRows<{ user_id: string }>(tx, 'UPDATE iam.access_key SET status = $2 WHERE access = $1 RETURNING user_id', [access, status]);
      if (!changed.length) return false;
      await recordEvent(tx, 'access-key.changed', accessKeyResource(access), { userId: changed[0].user_id, access, status });
      return true;
    });
  }

  deleteAccessKey(access: string) {
    return this.db.transaction(async (tx) => {
      if (!(await touchedRows(tx, 'DELETE FROM iam.access_key WHERE access = $1', [access]))) return false;
      await recordEvent(tx, 'access-key.deleted', accessKeyResource(access), { access });
      return true;
    });
  }

  /** Temporary secrets are what the login command is made of: issuing one is the recorded event. */
  async createTemporarySecret(secret: TemporarySecretRecord) {
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO iam.temporary_secret (access, user_id, password_hash, expires_at) VALUES ($1, $2, $3, $4)', [
        secret.access,
        secret.userId,
        secret.passwordHash,
        secret.expiresAt,
      ]);
      await recordEvent(
        tx,
        'login-command.issued',
        { type: RESOURCE_TYPES.loginCommand, name: secret.access },
        { userId: secret.userId, expiresAt: secret.expiresAt.toISOString() },
      );
    });
  }

  async findTemporarySecret(access: string) {
    const rows: Array<{ access: string; user_id: string; password_hash: string; expires_at: Date }> = await this.db.query(
      'SELECT * FROM iam.temporary_secret WHERE access = $1',
      [access],
    );
    return rows.length ? { access: rows[0].access, userId: rows[0].user_id, passwordHash: rows[0].password_hash, expiresAt: rows[0].expires_at } : undefined;
  }

  async createApiToken(tokenHash: string, userId: string, expiresAt: Date) {
    await this.db.query('INSERT INTO iam.api_token (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, userId, expiresAt]);
  }

  async findApiToken(tokenHash: string) {
    const rows: Array<{ user_id: string; expires_at: Date }> = await this.db.query('SELECT user_id, expires_at FROM iam.api_token WHERE token_hash = $1', [tokenHash]);
    return rows.length ? { userId: rows[0].user_id, expiresAt: rows[0].expires_at } : undefined;
  }

  async recordLoginFailure(subject: string, windowStart: Date, attempt: LoginAttempt) {
    return this.db.transaction(async (tx) => {
      const rows: Array<{ n: number }> = await tx.query(
        `WITH recorded AS (INSERT INTO iam.login_failure (subject) VALUES ($1) RETURNING 1)
         SELECT (SELECT count(*)::int FROM iam.login_failure WHERE subject = $1 AND failed_at >= $2) + 1 AS n`,
        [subject, windowStart],
      );
      await recordEvent(
        tx,
        'login.failed',
        { type: RESOURCE_TYPES.token, name: subject },
        { subject, method: attempt.method, reason: attempt.reason ?? 'refused' },
        { outcome: { code: 401, message: attempt.reason } },
      );
      return rows[0].n;
    });
  }

  async lockedUntil(subject: string) {
    const rows: Array<{ locked_until: Date }> = await this.db.query('SELECT locked_until FROM iam.login_lock WHERE subject = $1', [subject]);
    return rows[0]?.locked_until;
  }

  async lock(subject: string, until: Date) {
    await this.db.query('INSERT INTO iam.login_lock (subject, locked_until) VALUES ($1, $2) ON CONFLICT (subject) DO UPDATE SET locked_until = EXCLUDED.locked_until', [
      subject,
      until,
    ]);
  }

  /** One statement, without a transaction's extra round trips: every token a client fetches with a password comes through here. */
  async recordLogin(subject: string, user: UserRecord, attempt: LoginAttempt) {
    const event = domainEvent(
      'login.succeeded',
      { type: RESOURCE_TYPES.token, name: subject, id: user.id },
      { subject, method: attempt.method },
      { actor: { accountId: user.accountId, accountName: user.accountName, userId: user.id, userName: user.name } },
    );
    await this.db.query(
      `WITH failures AS (DELETE FROM iam.login_failure WHERE subject = $1),
            lock AS (DELETE FROM iam.login_lock WHERE subject = $1)
       INSERT INTO ${IAM_OUTBOX} (id, subject, payload) VALUES ($2, $3, $4)`,
      [subject, event.id, event.subject, event.payload],
    );
  }
}

interface SigningKeyRow {
  kid: string;
  sealed_private_key: string;
  public_pem: string;
  created_at: Date;
}

const toSigningKey = (r: SigningKeyRow): SigningKeyRecord => ({ kid: r.kid, sealedPrivateKey: r.sealed_private_key, publicPem: r.public_pem, createdAt: r.created_at });

export class PostgresSigningKeys implements SigningKeys {
  constructor(private readonly db: DataSource) {}

  async newest() {
    const rows: SigningKeyRow[] = await this.db.query('SELECT * FROM iam.signing_key ORDER BY created_at DESC, kid LIMIT 1');
    return rows.length ? toSigningKey(rows[0]) : undefined;
  }

  async all() {
    const rows: SigningKeyRow[] = await this.db.query('SELECT * FROM iam.signing_key ORDER BY created_at');
    return rows.map(toSigningKey);
  }

  async add(key: SigningKeyRecord) {
    await this.db.query('INSERT INTO iam.signing_key (kid, sealed_private_key, public_pem, created_at) VALUES ($1, $2, $3, $4)', [
      key.kid,
      key.sealedPrivateKey,
      key.publicPem,
      key.createdAt,
    ]);
  }
}
