import { outboxTableSql } from '@swr/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Retention policies (one per repository), the log of the tags they removed, and the outbox of policy changes. */
export class Retention1764900000000 implements MigrationInterface {
  name = 'Retention1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE retention.policy (
        id serial PRIMARY KEY,
        repository text COLLATE "C" NOT NULL UNIQUE,
        account_id text NOT NULL,
        rules jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE retention.history (
        id bigserial PRIMARY KEY,
        retention_id integer NOT NULL,
        repository text COLLATE "C" NOT NULL,
        tag text NOT NULL,
        digest text NOT NULL,
        rule_type text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX history_repository ON retention.history(repository, id DESC);
    `);
    await db.query(outboxTableSql('retention'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE retention.outbox, retention.history, retention.policy');
  }
}
