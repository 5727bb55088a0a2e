import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the organization API shows: a numeric id and who created it. */
export class OrganizationDetails1764300000000 implements MigrationInterface {
  name = 'OrganizationDetails1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE iam.organization ADD COLUMN id bigserial NOT NULL, ADD COLUMN creator_name text NOT NULL DEFAULT '';
      CREATE UNIQUE INDEX organization_id ON iam.organization(id);
      CREATE INDEX repository_permission_user ON iam.repository_permission(user_id);
      CREATE INDEX share_account ON iam.share(account_id);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP INDEX iam.share_account;
      DROP INDEX iam.repository_permission_user;
      DROP INDEX iam.organization_id;
      ALTER TABLE iam.organization DROP COLUMN id, DROP COLUMN creator_name;
    `);
  }
}
