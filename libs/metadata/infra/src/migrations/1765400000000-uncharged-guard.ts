import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The guard of UnchargedLinkGuard1765300000000 under a name that says what it now guards: a
 * repository's creation is one statement too, and aborts itself (SQLSTATE `SWR01`) when the
 * repository cannot be charged there. The old function stays for now: replicas still running the
 * previous release name it in every blob completion while a rolling upgrade replaces them.
 */
export class UnchargedGuard1765400000000 implements MigrationInterface {
  name = 'UnchargedGuard1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION metadata.abort_uncharged() RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'what this statement created could not be charged in it' USING ERRCODE = 'SWR01';
      END $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION metadata.abort_uncharged()');
  }
}
