import type { DescriptorPayload } from '@swr/contracts';
import type { AccountLimits, ManifestIndex, ManifestLookup, MissingReferences, NewManifest, PageRequest } from '@swr/metadata-core';
import type { DataSource, EntityManager } from 'typeorm';
import type { CachedAccess } from './cached-access';
import { changeNotice } from './change-feed';
import { eventEntry, imageResource, METADATA_OUTBOX, recordEvent, repositoryParts, tagResource } from './events';
import { ensureRepository, refreshTagCount, toNumber } from './sql';

/** Manifests up to this size are kept in the read cache; larger ones are rare and read from the database. */
const CACHEABLE_MANIFEST_BYTES = 256 * 1024;
type Found = NonNullable<Extract<ManifestLookup, { repository: true }>['manifest']>;

interface LookupRow {
  repository_id: string;
  digest: string | null;
  media_type: string | null;
  size: number | null;
  content?: Buffer | null;
}

function toLookup(rows: LookupRow[]): ManifestLookup {
  if (!rows.length) return { repository: false };
  const row = rows[0];
  if (row.digest === null || row.media_type === null || row.size === null) return { repository: true };
  const manifest = { digest: row.digest, mediaType: row.media_type, size: row.size, ...(row.content ? { content: row.content } : {}) };
  return { repository: true, manifest };
}

const missingFrom = (wanted: readonly string[], present: Array<{ digest: string }>) => {
  const have = new Set(present.map((r) => r.digest));
  return wanted.filter((d) => !have.has(d));
};

/**
 * A manifest's put as one statement, for the usual case: the repository exists, every reference
 * is there (locked FOR SHARE, as `missingReferences` locks them), and the manifest's row is
 * inserted, or found and locked as `stored` finds it. The tags are set and counted ($11: those the
 * statement's snapshot holds, and those it created, which its inserts return with no xmax, unlike
 * the ones it moved), the events recorded with the image's size ($12-$14) and the change notified. Anything
 * else (a missing repository or reference, a row another push or a collection is changing) leaves
 * it selecting nothing and writing nothing, and the transaction does it step by step: ten round
 * trips become one for every image a client pushes.
 */
const PUT_AT_ONCE = `WITH repo AS (SELECT id FROM metadata.repository WHERE name = $1),
  blobs AS (SELECT rb.digest FROM metadata.repository_blob rb JOIN repo ON rb.repository_id = repo.id WHERE rb.digest = ANY($9::text[]) FOR SHARE OF rb),
  children AS (SELECT m.digest FROM metadata.manifest m JOIN repo ON m.repository_id = repo.id WHERE m.digest = ANY($10::text[]) FOR SHARE OF m),
  ready AS (
    SELECT id FROM repo WHERE (SELECT count(*) FROM blobs) = cardinality($9::text[]) AND (SELECT count(*) FROM children) = cardinality($10::text[])
  ),
  inserted AS (
    INSERT INTO metadata.manifest (repository_id, digest, media_type, artifact_type, subject_digest, annotations, content, size, total_size)
    SELECT ready.id, $2, $3, $4, $5, $6, $7, $8::integer, $8::integer
      + (SELECT coalesce(sum(size), 0) FROM metadata.blob WHERE digest = ANY($9::text[]))
      + (SELECT coalesce(sum(m.total_size), 0) FROM metadata.manifest m WHERE m.repository_id = ready.id AND m.digest = ANY($10::text[]))
      FROM ready
    ON CONFLICT (repository_id, digest) DO NOTHING RETURNING id, total_size
  ),
  existing AS (SELECT m.id, m.total_size FROM metadata.manifest m JOIN ready ON m.repository_id = ready.id WHERE m.digest = $2 FOR SHARE OF m),
  chosen AS (SELECT id, total_size FROM inserted UNION ALL SELECT id, total_size FROM existing),
  referenced AS (INSERT INTO metadata.manifest_blob (manifest_id, digest) SELECT inserted.id, unnest($9::text[]) FROM inserted ON CONFLICT DO NOTHING),
  children_referenced AS (
    INSERT INTO metadata.manifest_child (manifest_id, child_digest) SELECT inserted.id, unnest($10::text[]) FROM inserted ON CONFLICT DO NOTHING
  ),
  tagged AS (
    INSERT INTO metadata.tag AS t (repository_id, name, manifest_id) SELECT ready.id, unnest($11::text[]), chosen.id FROM ready, chosen
    ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = EXCLUDED.manifest_id, updated_at = now() RETURNING t.xmax = 0 AS created
  ),
  counted AS (
    UPDATE metadata.repository r
       SET tag_count = (SELECT count(*) FROM metadata.tag t WHERE t.repository_id = ready.id) + (SELECT count(*) FROM tagged WHERE created), updated_at = now()
      FROM ready, chosen WHERE r.id = ready.id
  ),
  announced AS (
    INSERT INTO ${METADATA_OUTBOX} (id, subject, payload)
    SELECT e.id, e.subject, jsonb_set(e.payload::jsonb, '{data,size}', to_jsonb(chosen.total_size))::text
      FROM unnest($12::uuid[], $13::text[], $14::text[]) AS e(id, subject, payload), chosen
  )
  SELECT ${changeNotice(1)} FROM chosen`;

/** A manifest's row as both puts insert it ($2-$10): its columns, then its blobs and child manifests, each once. */
function manifestColumns(manifest: NewManifest): unknown[] {
  return [
    manifest.digest,
    manifest.mediaType,
    manifest.artifactType ?? null,
    manifest.subject?.digest ?? null,
    manifest.annotations ? JSON.stringify(manifest.annotations) : null,
    manifest.content,
    manifest.content.length,
    [...new Set(manifest.blobs)],
    [...new Set(manifest.manifests)],
  ];
}

export class PostgresManifestIndex implements ManifestIndex {
  private readonly db: DataSource;

  constructor(
    private readonly access: CachedAccess,
    private readonly limits: AccountLimits,
  ) {
    this.db = access.db;
  }

  async put(manifest: NewManifest): Promise<MissingReferences | undefined> {
    if (await this.putAtOnce(manifest)) return undefined;
    return this.access.write(manifest.repository.name, async (tx) => {
      const repositoryId = await ensureRepository(tx, manifest.repository, manifest.account, this.limits);
      const missing = await this.missingReferences(tx, repositoryId, manifest);
      if (missing) return missing;

      const { manifestId, totalSize } = await this.stored(tx, repositoryId, manifest);
      if (manifest.tags.length) {
        await tx.query(
          `INSERT INTO metadata.tag (repository_id, name, manifest_id) SELECT $1, unnest($2::text[]), $3
           ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = EXCLUDED.manifest_id, updated_at = now()`,
          [repositoryId, manifest.tags, manifestId],
        );
      }
      await refreshTagCount(tx, repositoryId);
      const name = manifest.repository.name;
      const pushed = { ...repositoryParts(name), digest: manifest.digest, mediaType: manifest.mediaType, size: totalSize };
      for (const tag of manifest.tags.length ? manifest.tags : [undefined]) {
        await recordEvent(tx, 'image.pushed', imageResource(name, tag ?? manifest.digest), tag === undefined ? pushed : { ...pushed, tag });
      }
      return undefined;
    });
  }

  /**
   * The put in one statement (see PUT_AT_ONCE); false when it wrote nothing and the transaction of
   * `put` must do it step by step.
   */
  private putAtOnce(manifest: NewManifest): Promise<boolean> {
    const name = manifest.repository.name;
    // Sized in the statement, which sums the blobs: the events get the image's size there.
    const pushed = { ...repositoryParts(name), digest: manifest.digest, mediaType: manifest.mediaType, size: 0 };
    const events = (manifest.tags.length ? manifest.tags : [undefined]).map((tag) =>
      eventEntry('image.pushed', imageResource(name, tag ?? manifest.digest), tag === undefined ? pushed : { ...pushed, tag }),
    );
    return this.access.writeAtOnce(name, async (db) => {
      const rows: unknown[] = await db.query(PUT_AT_ONCE, [
        name,
        ...manifestColumns(manifest),
        manifest.tags,
        events.map((e) => e[0]),
        events.map((e) => e[1]),
        events.map((e) => e[2]),
      ]);
      return rows.length > 0;
    });
  }

  /**
   * The manifest's row, inserted with its references or found (and locked FOR SHARE, so that a
   * collection cannot delete it before the tags that point at it commit). A row that a collection
   * deleted while this waited is inserted anew.
   */
  private async stored(tx: EntityManager, repositoryId: string, manifest: NewManifest): Promise<{ manifestId: string; totalSize: number }> {
    for (;;) {
      const inserted: Array<{ id: string; total_size: string }> = await tx.query(
        // An image's size as users see it: the manifest, its blobs, and (for an index) its children's sizes.
        `INSERT INTO metadata.manifest (repository_id, digest, media_type, artifact_type, subject_digest, annotations, content, size, total_size)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::integer, $8::integer
           + (SELECT coalesce(sum(size), 0) FROM metadata.blob WHERE digest = ANY($9::text[]))
           + (SELECT coalesce(sum(total_size), 0) FROM metadata.manifest WHERE repository_id = $1 AND digest = ANY($10::text[])))
         ON CONFLICT (repository_id, digest) DO NOTHING RETURNING id, total_size`,
        [repositoryId, ...manifestColumns(manifest)],
      );
      if (inserted.length) {
        // An image has no child manifests, an index mostly no blobs: a round trip saved for the list that is empty.
        if (manifest.blobs.length) {
          await tx.query('INSERT INTO metadata.manifest_blob (manifest_id, digest) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [inserted[0].id, manifest.blobs]);
        }
        if (manifest.manifests.length) {
          await tx.query('INSERT INTO metadata.manifest_child (manifest_id, child_digest) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [inserted[0].id, manifest.manifests]);
        }
        return { manifestId: inserted[0].id, totalSize: toNumber(inserted[0].total_size) };
      }
      const existing: Array<{ id: string; total_size: string }> = await tx.query(
        'SELECT id, total_size FROM metadata.manifest WHERE repository_id = $1 AND digest = $2 FOR SHARE',
        [repositoryId, manifest.digest],
      );
      if (existing.length) return { manifestId: existing[0].id, totalSize: toNumber(existing[0].total_size) };
    }
  }

  /** Locks what the manifest references (FOR SHARE) so that no delete can slip in before it commits. */
  private async missingReferences(tx: EntityManager, repositoryId: string, manifest: NewManifest): Promise<MissingReferences | undefined> {
    const blobs: Array<{ digest: string }> = manifest.blobs.length
      ? await tx.query('SELECT digest FROM metadata.repository_blob WHERE repository_id = $1 AND digest = ANY($2::text[]) FOR SHARE', [repositoryId, manifest.blobs])
      : [];
    const children: Array<{ digest: string }> = manifest.manifests.length
      ? await tx.query('SELECT digest FROM metadata.manifest WHERE repository_id = $1 AND digest = ANY($2::text[]) FOR SHARE', [repositoryId, manifest.manifests])
      : [];
    const missing = { blobs: missingFrom(manifest.blobs, blobs), manifests: missingFrom(manifest.manifests, children) };
    return missing.blobs.length || missing.manifests.length ? missing : undefined;
  }

  findByTag(repository: string, tag: string, withContent: boolean): Promise<ManifestLookup> {
    return this.find(repository, `tag:${tag}`, withContent, () =>
      this.db.query(
        `SELECT r.id AS repository_id, m.digest, m.media_type, m.size, m.content
           FROM metadata.repository r
           LEFT JOIN metadata.tag t ON t.repository_id = r.id AND t.name = $2
           LEFT JOIN metadata.manifest m ON m.id = t.manifest_id
          WHERE r.name = $1`,
        [repository, tag],
      ),
    );
  }

  findByDigest(repository: string, digest: string, withContent: boolean): Promise<ManifestLookup> {
    return this.find(repository, `manifest:${digest}`, withContent, () =>
      this.db.query(
        `SELECT r.id AS repository_id, m.digest, m.media_type, m.size, m.content
           FROM metadata.repository r
           LEFT JOIN metadata.manifest m ON m.repository_id = r.id AND m.digest = $2
          WHERE r.name = $1`,
        [repository, digest],
      ),
    );
  }

  /** Found manifests are cached with their content; a lookup without content is served from the same entry. */
  private async find(repository: string, key: string, withContent: boolean, load: () => Promise<LookupRow[]>): Promise<ManifestLookup> {
    let lookup: ManifestLookup = { repository: true };
    const manifest = await this.access.read<Found>(
      repository,
      key,
      async () => {
        lookup = toLookup(await load());
        return lookup.repository ? lookup.manifest : undefined;
      },
      (m) => m.size <= CACHEABLE_MANIFEST_BYTES,
    );
    if (manifest) return { repository: true, manifest: withContent ? manifest : { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size } };
    return lookup;
  }

  deleteByDigest(repository: string, digest: string): Promise<ManifestLookup> {
    return this.access.write(repository, async (tx) => {
      const lookup = await this.refreshedAfter(
        tx,
        await tx.query(
          `WITH repo AS (SELECT id FROM metadata.repository WHERE name = $1),
                gone AS (
                  DELETE FROM metadata.manifest m USING repo WHERE m.repository_id = repo.id AND m.digest = $2
                  RETURNING m.digest, m.media_type, m.size
                )
           SELECT repo.id AS repository_id, gone.* FROM repo LEFT JOIN gone ON true`,
          [repository, digest],
        ),
      );
      if (lookup.repository && lookup.manifest) await recordEvent(tx, 'manifest.deleted', imageResource(repository, digest), { ...repositoryParts(repository), digest });
      return lookup;
    });
  }

  deleteTag(repository: string, tag: string): Promise<ManifestLookup> {
    return this.access.write(repository, async (tx) => {
      const lookup = await this.refreshedAfter(
        tx,
        await tx.query(
          `WITH repo AS (SELECT id FROM metadata.repository WHERE name = $1),
                gone AS (
                  DELETE FROM metadata.tag t USING repo WHERE t.repository_id = repo.id AND t.name = $2 RETURNING t.manifest_id
                )
           SELECT repo.id AS repository_id, m.digest, m.media_type, m.size
             FROM repo LEFT JOIN gone ON true LEFT JOIN metadata.manifest m ON m.id = gone.manifest_id`,
          [repository, tag],
        ),
      );
      if (lookup.repository && lookup.manifest) await recordEvent(tx, 'tag.deleted', tagResource(repository, tag), { ...repositoryParts(repository), tag, digest: lookup.manifest.digest });
      return lookup;
    });
  }

  /** After a delete: the repository's tag count follows, when something was deleted. */
  private async refreshedAfter(tx: EntityManager, rows: LookupRow[]): Promise<ManifestLookup> {
    const lookup = toLookup(rows);
    if (lookup.repository && lookup.manifest) await refreshTagCount(tx, rows[0].repository_id);
    return lookup;
  }

  async listTags(repository: string, page: PageRequest): Promise<string[] | undefined> {
    const rows: Array<{ name: string | null }> = await this.db.query(
      `SELECT t.name FROM metadata.repository r
         LEFT JOIN LATERAL (
           SELECT name FROM metadata.tag WHERE repository_id = r.id AND name > $2 ORDER BY name LIMIT $3
         ) t ON true
        WHERE r.name = $1`,
      [repository, page.last ?? '', page.n + 1],
    );
    if (!rows.length) return undefined;
    return rows.filter((r) => r.name !== null).map((r) => r.name as string);
  }

  async listRepositories(page: PageRequest): Promise<string[]> {
    const rows: Array<{ name: string }> = await this.db.query('SELECT name FROM metadata.repository WHERE name > $1 ORDER BY name LIMIT $2', [page.last ?? '', page.n + 1]);
    return rows.map((r) => r.name);
  }

  async listReferrers(repository: string, subject: string, artifactType?: string): Promise<DescriptorPayload[]> {
    const rows: Array<{ digest: string; media_type: string; size: number; artifact_type: string | null; annotations: Record<string, string> | null }> =
      await this.db.query(
        `SELECT m.digest, m.media_type, m.size, m.artifact_type, m.annotations
           FROM metadata.manifest m JOIN metadata.repository r ON r.id = m.repository_id
          WHERE r.name = $1 AND m.subject_digest = $2 AND ($3::text IS NULL OR m.artifact_type = $3)
          ORDER BY m.created_at, m.digest`,
        [repository, subject, artifactType ?? null],
      );
    return rows.map((r) => ({
      mediaType: r.media_type,
      digest: r.digest,
      size: toNumber(r.size),
      ...(r.artifact_type ? { artifactType: r.artifact_type } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    }));
  }
}
