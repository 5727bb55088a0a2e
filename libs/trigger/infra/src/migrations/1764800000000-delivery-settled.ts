import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deliveries are written when they are enqueued and marked settled once they end (delivered, given
 * up, or their trigger gone): a worker that starts resumes the unsettled ones, so a queue that lost
 * its jobs (standalone's, in memory) loses no delivery.
 */
export class DeliverySettled1764800000000 implements MigrationInterface {
  name = 'DeliverySettled1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE triggers.delivery ADD COLUMN settled boolean NOT NULL DEFAULT true;
      ALTER TABLE triggers.delivery ALTER COLUMN settled SET DEFAULT false;
      CREATE INDEX delivery_unsettled ON triggers.delivery (created_at) WHERE NOT settled;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX triggers.delivery_unsettled; ALTER TABLE triggers.delivery DROP COLUMN settled');
  }
}
