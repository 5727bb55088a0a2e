import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ids of gateways' pull-count batches already recorded, so that a batch sent again is counted once. */
export class PullBatches1764610000000 implements MigrationInterface {
  name = 'PullBatches1764610000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metadata.pull_batch (id uuid PRIMARY KEY, recorded_at timestamptz NOT NULL DEFAULT now());
      CREATE INDEX pull_batch_recorded ON metadata.pull_batch(recorded_at);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE metadata.pull_batch');
  }
}
