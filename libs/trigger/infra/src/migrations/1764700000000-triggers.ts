import { outboxTableSql } from '@swr/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Triggers per repository, what each delivery sends, every attempt of it, and the outbox of trigger changes. */
export class Triggers1764700000000 implements MigrationInterface {
  name = 'Triggers1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE triggers.trigger (
        id bigserial PRIMARY KEY,
        repository text NOT NULL,
        name text NOT NULL,
        action text NOT NULL,
        trigger_type text NOT NULL,
        condition text NOT NULL,
        enabled boolean NOT NULL,
        trigger_mode text NOT NULL,
        app_type text NOT NULL,
        application text NOT NULL,
        cluster_id text NOT NULL,
        cluster_name text NOT NULL,
        cluster_ns text NOT NULL,
        container text NOT NULL,
        webhook jsonb,
        creator_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (repository, name)
      );
      CREATE TABLE triggers.delivery (
        id text NOT NULL,
        trigger_id bigint NOT NULL REFERENCES triggers.trigger (id) ON DELETE CASCADE,
        content jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (trigger_id, id)
      );
      CREATE TABLE triggers.attempt (
        id bigserial PRIMARY KEY,
        trigger_id bigint NOT NULL REFERENCES triggers.trigger (id) ON DELETE CASCADE,
        delivery_id text NOT NULL,
        attempt integer NOT NULL,
        result text NOT NULL,
        status integer NOT NULL,
        detail text NOT NULL,
        duration_ms integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX attempt_trigger_newest ON triggers.attempt (trigger_id, id DESC);
    `);
    await db.query(outboxTableSql('triggers'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE triggers.outbox; DROP TABLE triggers.attempt; DROP TABLE triggers.delivery; DROP TABLE triggers.trigger');
  }
}
