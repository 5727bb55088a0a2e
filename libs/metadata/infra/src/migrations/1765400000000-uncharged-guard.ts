import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The guard of UnchargedLinkGuard1765300000000 under a name that says what it now guards: a
 * first push's repository is created in one statement too, and aborts it (SQLSTATE `SWR01`) when
 * the repository cannot be charged there, to be created again in a transaction that settles the
 * charge or refuses it.
 */
export class UnchargedGuard1765400000000 implements MigrationInterface {
  name = 'UnchargedGuard1765400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION metadata.abort_uncharged() RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'what this statement created could not be charged in it' USING ERRCODE = 'SWR01';
      END $$;
      DROP FUNCTION metadata.abort_uncharged_link();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION metadata.abort_uncharged_link() RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the blob link could not be charged in this statement' USING ERRCODE = 'SWR01';
      END $$;
      DROP FUNCTION metadata.abort_uncharged();
    `);
  }
}
