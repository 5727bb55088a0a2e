import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per account and UTC day: the bytes stored at the end of the day and the bytes served to pulls
 * that day (SWR's resource reports). Stored bytes follow the account's usage row by a trigger, so
 * that every change of it (link, unlink, repository delete, collection) lands here without each
 * writer having to remember; a day without a change carries the last value forward when read.
 */
export class AccountDays1764600000000 implements MigrationInterface {
  name = 'AccountDays1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metadata.account_day (
        account_id text NOT NULL,
        day date NOT NULL,
        stored_bytes bigint,
        egress_bytes bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, day)
      );
      CREATE FUNCTION metadata.account_day_stored() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metadata.account_day (account_id, day, stored_bytes)
        VALUES (NEW.account_id, (now() AT TIME ZONE 'UTC')::date, NEW.bytes)
        ON CONFLICT (account_id, day) DO UPDATE SET stored_bytes = EXCLUDED.stored_bytes;
        RETURN NULL;
      END $$;
      CREATE TRIGGER account_usage_bytes AFTER UPDATE OF bytes ON metadata.account_usage
        FOR EACH ROW WHEN (OLD.bytes IS DISTINCT FROM NEW.bytes) EXECUTE FUNCTION metadata.account_day_stored();
      INSERT INTO metadata.account_day (account_id, day, stored_bytes)
        SELECT account_id, (now() AT TIME ZONE 'UTC')::date, bytes FROM metadata.account_usage;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TRIGGER account_usage_bytes ON metadata.account_usage;
      DROP FUNCTION metadata.account_day_stored();
      DROP TABLE metadata.account_day;
    `);
  }
}
