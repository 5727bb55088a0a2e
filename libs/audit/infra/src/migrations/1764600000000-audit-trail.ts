import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail: one row per event (its id is the key, so a redelivered event is stored once). */
export class AuditTrail1764600000000 implements MigrationInterface {
  name = 'AuditTrail1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit.trace (
        trace_id uuid PRIMARY KEY,
        account_id text,
        trace_name text NOT NULL,
        trace_rating text NOT NULL,
        trace_type text NOT NULL,
        event_type text NOT NULL,
        resource_type text NOT NULL,
        resource_name text NOT NULL,
        resource_id text NOT NULL,
        source_ip text NOT NULL,
        user_agent text NOT NULL,
        user_id text NOT NULL,
        user_name text NOT NULL,
        account_name text NOT NULL,
        code integer NOT NULL,
        message text NOT NULL,
        request text NOT NULL,
        response text NOT NULL,
        request_id text NOT NULL,
        time timestamptz NOT NULL,
        record_time timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX trace_account_time ON audit.trace (account_id, time DESC, trace_id DESC);
      CREATE INDEX trace_time ON audit.trace (time);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit.trace');
  }
}
