import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Distribution's domain model in tables: one global content-addressed blob table, repository
 * links to blobs, manifests kept byte for byte per repository, their references, tags, uploads.
 * Names sort and compare bytewise (COLLATE "C"), as the distribution spec's pagination expects.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metadata.organization (
        id bigserial PRIMARY KEY,
        name text COLLATE "C" NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE metadata.repository (
        id bigserial PRIMARY KEY,
        organization_id bigint NOT NULL REFERENCES metadata.organization(id),
        name text COLLATE "C" NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX repository_organization ON metadata.repository(organization_id);
      CREATE TABLE metadata.blob (
        digest text COLLATE "C" PRIMARY KEY,
        size bigint NOT NULL CHECK (size >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE metadata.repository_blob (
        repository_id bigint NOT NULL REFERENCES metadata.repository(id) ON DELETE CASCADE,
        digest text COLLATE "C" NOT NULL REFERENCES metadata.blob(digest),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repository_id, digest)
      );
      CREATE INDEX repository_blob_digest ON metadata.repository_blob(digest);
      CREATE TABLE metadata.manifest (
        id bigserial PRIMARY KEY,
        repository_id bigint NOT NULL REFERENCES metadata.repository(id) ON DELETE CASCADE,
        digest text COLLATE "C" NOT NULL,
        media_type text NOT NULL,
        artifact_type text,
        subject_digest text COLLATE "C",
        annotations jsonb,
        content bytea NOT NULL,
        size integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (repository_id, digest)
      );
      CREATE INDEX manifest_subject ON metadata.manifest(repository_id, subject_digest) WHERE subject_digest IS NOT NULL;
      CREATE TABLE metadata.manifest_blob (
        manifest_id bigint NOT NULL REFERENCES metadata.manifest(id) ON DELETE CASCADE,
        digest text COLLATE "C" NOT NULL,
        PRIMARY KEY (manifest_id, digest)
      );
      CREATE INDEX manifest_blob_digest ON metadata.manifest_blob(digest);
      CREATE TABLE metadata.manifest_child (
        manifest_id bigint NOT NULL REFERENCES metadata.manifest(id) ON DELETE CASCADE,
        child_digest text COLLATE "C" NOT NULL,
        PRIMARY KEY (manifest_id, child_digest)
      );
      CREATE TABLE metadata.tag (
        repository_id bigint NOT NULL REFERENCES metadata.repository(id) ON DELETE CASCADE,
        name text COLLATE "C" NOT NULL,
        manifest_id bigint NOT NULL REFERENCES metadata.manifest(id) ON DELETE CASCADE,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repository_id, name)
      );
      CREATE INDEX tag_manifest ON metadata.tag(manifest_id);
      CREATE TABLE metadata.upload (
        id uuid PRIMARY KEY,
        repository_id bigint NOT NULL REFERENCES metadata.repository(id) ON DELETE CASCADE,
        algorithm text NOT NULL,
        "offset" bigint NOT NULL DEFAULT 0,
        parts jsonb NOT NULL DEFAULT '[]',
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE metadata.upload, metadata.tag, metadata.manifest_child, metadata.manifest_blob,
        metadata.manifest, metadata.repository_blob, metadata.blob, metadata.repository, metadata.organization;
    `);
  }
}
