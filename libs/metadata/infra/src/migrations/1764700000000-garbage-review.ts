import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What online garbage collection works from, so that it never scans every blob:
 * - `gc_review`: digests that may have become garbage, queued by triggers whenever a blob is
 *   stored, a repository link goes, or a manifest's reference to a blob goes (repository and
 *   manifest deletes cascade into those rows, so every writer is covered). Each is looked at
 *   once its grace period has passed since it was last queued.
 * - `upload.holds`: the digest a session is committing; a held blob is never collected, so that
 *   a PUT that found its blob already stored cannot lose it to a collection in between.
 * - `gc_upload_leftover`: sessions that went with their repository, whose parts are still stored.
 * - `gc_run`: the history of collections, with what each removed.
 */
export class GarbageReview1764700000000 implements MigrationInterface {
  name = 'GarbageReview1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metadata.gc_review (
        digest text COLLATE "C" PRIMARY KEY,
        queued_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX gc_review_queued ON metadata.gc_review(queued_at);

      CREATE FUNCTION metadata.queue_for_review() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO metadata.gc_review (digest)
        SELECT DISTINCT digest FROM changed
        ON CONFLICT (digest) DO UPDATE SET queued_at = now();
        RETURN NULL;
      END $$;
      CREATE TRIGGER blob_stored AFTER INSERT ON metadata.blob
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION metadata.queue_for_review();
      CREATE TRIGGER repository_blob_gone AFTER DELETE ON metadata.repository_blob
        REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION metadata.queue_for_review();
      CREATE TRIGGER manifest_blob_gone AFTER DELETE ON metadata.manifest_blob
        REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION metadata.queue_for_review();

      ALTER TABLE metadata.upload ADD COLUMN holds text COLLATE "C";
      CREATE INDEX upload_holds ON metadata.upload(holds) WHERE holds IS NOT NULL;
      CREATE INDEX upload_updated ON metadata.upload(updated_at);
      CREATE INDEX manifest_child_digest ON metadata.manifest_child(child_digest);
      CREATE INDEX manifest_untagged_candidates ON metadata.manifest(created_at);

      CREATE TABLE metadata.gc_upload_leftover (id uuid PRIMARY KEY);

      CREATE TABLE metadata.gc_run (
        id bigserial PRIMARY KEY,
        trigger text NOT NULL,
        dry_run boolean NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        manifests_deleted integer NOT NULL DEFAULT 0,
        links_removed integer NOT NULL DEFAULT 0,
        blobs_deleted integer NOT NULL DEFAULT 0,
        bytes_freed bigint NOT NULL DEFAULT 0,
        uploads_removed integer NOT NULL DEFAULT 0,
        error text
      );
      -- Blobs stored before this migration are queued once, so that what already leaked is collected too.
      INSERT INTO metadata.gc_review (digest) SELECT digest FROM metadata.blob ON CONFLICT DO NOTHING;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE metadata.gc_run, metadata.gc_upload_leftover;
      DROP INDEX metadata.manifest_untagged_candidates, metadata.manifest_child_digest, metadata.upload_updated, metadata.upload_holds;
      ALTER TABLE metadata.upload DROP COLUMN holds;
      DROP TRIGGER manifest_blob_gone ON metadata.manifest_blob;
      DROP TRIGGER repository_blob_gone ON metadata.repository_blob;
      DROP TRIGGER blob_stored ON metadata.blob;
      DROP FUNCTION metadata.queue_for_review();
      DROP TABLE metadata.gc_review;
    `);
  }
}
