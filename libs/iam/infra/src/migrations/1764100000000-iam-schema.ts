import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, users, credentials, signing keys, and the access graph of organizations and repositories. */
export class IamSchema1764100000000 implements MigrationInterface {
  name = 'IamSchema1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE iam.account (
        id uuid PRIMARY KEY,
        name text COLLATE "C" NOT NULL UNIQUE,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE iam.iam_user (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES iam.account(id),
        name text COLLATE "C" NOT NULL,
        password_hash text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, name)
      );
      CREATE INDEX iam_user_name ON iam.iam_user(name);
      CREATE TABLE iam.access_key (
        access text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES iam.iam_user(id) ON DELETE CASCADE,
        sealed_secret text NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'inactive')),
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX access_key_user ON iam.access_key(user_id);
      CREATE TABLE iam.temporary_secret (
        access text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES iam.iam_user(id) ON DELETE CASCADE,
        password_hash text NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE iam.api_token (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES iam.iam_user(id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE iam.login_failure (
        subject text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX login_failure_subject ON iam.login_failure(subject, failed_at);
      CREATE TABLE iam.login_lock (
        subject text PRIMARY KEY,
        locked_until timestamptz NOT NULL
      );
      CREATE TABLE iam.signing_key (
        kid text PRIMARY KEY,
        sealed_private_key text NOT NULL,
        public_pem text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE iam.organization (
        name text COLLATE "C" PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES iam.account(id),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX organization_account ON iam.organization(account_id);
      CREATE TABLE iam.organization_permission (
        organization text COLLATE "C" NOT NULL REFERENCES iam.organization(name) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES iam.iam_user(id) ON DELETE CASCADE,
        level smallint NOT NULL CHECK (level IN (1, 3, 7)),
        PRIMARY KEY (organization, user_id)
      );
      CREATE TABLE iam.repository_permission (
        repository text COLLATE "C" NOT NULL,
        user_id uuid NOT NULL REFERENCES iam.iam_user(id) ON DELETE CASCADE,
        level smallint NOT NULL CHECK (level IN (1, 3, 7)),
        PRIMARY KEY (repository, user_id)
      );
      CREATE TABLE iam.public_repository (
        repository text COLLATE "C" PRIMARY KEY
      );
      CREATE TABLE iam.share (
        repository text COLLATE "C" NOT NULL,
        account_id uuid NOT NULL REFERENCES iam.account(id) ON DELETE CASCADE,
        permit text NOT NULL,
        ends_at timestamptz,
        description text NOT NULL DEFAULT '',
        creator_id uuid NOT NULL,
        creator_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repository, account_id)
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE iam.share, iam.public_repository, iam.repository_permission, iam.organization_permission, iam.organization,
        iam.signing_key, iam.login_lock, iam.login_failure, iam.api_token, iam.temporary_secret, iam.access_key, iam.iam_user, iam.account;
    `);
  }
}
