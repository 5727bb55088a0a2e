import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the management API shows and enforces: an organization's owning account; a repository's
 * attributes, creator and running totals (linked bytes, downloads); per-account usage, kept in one
 * row per account so that a quota check and the write it guards are one atomic update; a
 * manifest's full image size and its tag count on the repository.
 */
export class RepositoryAttributes1764200000000 implements MigrationInterface {
  name = 'RepositoryAttributes1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE metadata.organization ADD COLUMN account_id text;
      CREATE INDEX organization_account ON metadata.organization(account_id);
      ALTER TABLE metadata.repository
        ADD COLUMN is_public boolean NOT NULL DEFAULT false,
        ADD COLUMN category text NOT NULL DEFAULT 'other',
        ADD COLUMN description text NOT NULL DEFAULT '',
        ADD COLUMN creator_id text NOT NULL DEFAULT '',
        ADD COLUMN creator_name text NOT NULL DEFAULT '',
        ADD COLUMN size bigint NOT NULL DEFAULT 0,
        ADD COLUMN tag_count integer NOT NULL DEFAULT 0,
        ADD COLUMN downloads bigint NOT NULL DEFAULT 0;
      CREATE INDEX repository_updated ON metadata.repository(updated_at);
      ALTER TABLE metadata.manifest ADD COLUMN total_size bigint NOT NULL DEFAULT 0;
      ALTER TABLE metadata.tag ADD COLUMN id bigserial NOT NULL, ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
      UPDATE metadata.manifest SET total_size = size;
      UPDATE metadata.repository r SET
        tag_count = (SELECT count(*) FROM metadata.tag t WHERE t.repository_id = r.id),
        size = (SELECT coalesce(sum(b.size), 0) FROM metadata.repository_blob rb JOIN metadata.blob b ON b.digest = rb.digest WHERE rb.repository_id = r.id);
      CREATE TABLE metadata.account_usage (
        account_id text PRIMARY KEY,
        repositories integer NOT NULL DEFAULT 0 CHECK (repositories >= 0),
        bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0)
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE metadata.account_usage;
      ALTER TABLE metadata.tag DROP COLUMN id, DROP COLUMN created_at;
      ALTER TABLE metadata.manifest DROP COLUMN total_size;
      DROP INDEX metadata.repository_updated;
      ALTER TABLE metadata.repository DROP COLUMN is_public, DROP COLUMN category, DROP COLUMN description, DROP COLUMN creator_id,
        DROP COLUMN creator_name, DROP COLUMN size, DROP COLUMN tag_count, DROP COLUMN downloads;
      DROP INDEX metadata.organization_account;
      ALTER TABLE metadata.organization DROP COLUMN account_id;
    `);
  }
}
