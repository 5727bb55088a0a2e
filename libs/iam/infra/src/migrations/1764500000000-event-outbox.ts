import { outboxTableSql } from '@swr/db';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox the IAM service records its domain events in, within the transaction of each change. */
export class EventOutbox1764500000000 implements MigrationInterface {
  name = 'EventOutbox1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(outboxTableSql('iam'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE iam.outbox');
  }
}
