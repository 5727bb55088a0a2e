import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Fuzzy repository-name filters (`LIKE '%text%'`) served by a trigram index instead of a scan. */
export class RepositoryNameSearch1764400000000 implements MigrationInterface {
  name = 'RepositoryNameSearch1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE INDEX repository_name_trgm ON metadata.repository USING gin (name gin_trgm_ops);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX metadata.repository_name_trgm');
  }
}
