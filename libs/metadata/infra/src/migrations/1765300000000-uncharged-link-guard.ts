import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A function that aborts the statement calling it with SQLSTATE `SWR01`. A blob's completion runs
 * as one statement, without a transaction of its own, and calls it when the link it made could not
 * be charged in that statement (the account is at its quota or has no usage row yet): everything
 * the statement did is undone, and the completion is done again in a transaction that settles the
 * charge. A small-layer push saves a START and a COMMIT per blob.
 */
export class UnchargedLinkGuard1765300000000 implements MigrationInterface {
  name = 'UnchargedLinkGuard1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION metadata.abort_uncharged_link() RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the blob link could not be charged in this statement' USING ERRCODE = 'SWR01';
      END $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION metadata.abort_uncharged_link()');
  }
}
