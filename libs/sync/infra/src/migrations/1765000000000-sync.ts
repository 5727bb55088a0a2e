import { outboxTableSql } from '@swr/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Auto-sync rules, sync jobs with their progress, uploads begun at remotes (to resume), blobs known to be there (to mount), and the outbox. */
export class Sync1765000000000 implements MigrationInterface {
  name = 'Sync1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sync.rule (
        id serial PRIMARY KEY,
        repository text COLLATE "C" NOT NULL,
        remote_region_id text NOT NULL,
        remote_namespace text NOT NULL,
        account_id text NOT NULL,
        account_name text NOT NULL,
        user_id text NOT NULL,
        user_name text NOT NULL,
        sync_auto boolean NOT NULL,
        override boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (repository, remote_region_id, remote_namespace)
      );
      CREATE TABLE sync.job (
        id serial PRIMARY KEY,
        repository text COLLATE "C" NOT NULL,
        tag text NOT NULL,
        remote_region_id text NOT NULL,
        remote_namespace text NOT NULL,
        override boolean NOT NULL,
        account_id text NOT NULL,
        account_name text NOT NULL,
        user_id text NOT NULL,
        user_name text NOT NULL,
        status text NOT NULL DEFAULT 'waiting',
        detail text NOT NULL DEFAULT '',
        copied_bytes bigint NOT NULL DEFAULT 0,
        total_bytes bigint NOT NULL DEFAULT 0,
        -- The event and rule that caused an automatic job: the same event delivered again adds none.
        cause text UNIQUE,
        started_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX job_repository ON sync.job(repository, id);
      CREATE TABLE sync.remote_upload (
        key text PRIMARY KEY,
        location text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE sync.remote_blob (
        region text NOT NULL,
        account_name text NOT NULL,
        digest text NOT NULL,
        repository text NOT NULL,
        PRIMARY KEY (region, account_name, digest)
      );
    `);
    await db.query(outboxTableSql('sync'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE sync.outbox, sync.remote_blob, sync.remote_upload, sync.job, sync.rule');
  }
}
