import type { BlobBatch, GarbageCounts, GarbageIndex, GarbageSettings, RemoveObjects } from '@swr/metadata-core';
import { returnedRows } from '@swr/db';
import type { EntityManager } from 'typeorm';
import type { CachedAccess } from './cached-access';
import { imageResource, recordEvent, repositoryParts } from './events';
import { toNumber } from './sql';

/** An untagged manifest that nothing in its repository points at: no index lists it, and its subject (for a referrer) is gone. */
const UNREFERENCED_MANIFEST = `
  NOT EXISTS (SELECT 1 FROM metadata.tag t WHERE t.manifest_id = m.id)
  AND NOT EXISTS (SELECT 1 FROM metadata.manifest_child mc JOIN metadata.manifest p ON p.id = mc.manifest_id
                   WHERE mc.child_digest = m.digest AND p.repository_id = m.repository_id)
  AND (m.subject_digest IS NULL OR NOT EXISTS (SELECT 1 FROM metadata.manifest s WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest))`;

/** A link that no manifest of its repository references. */
const UNREFERENCED_LINK = `
  NOT EXISTS (SELECT 1 FROM metadata.manifest_blob mb JOIN metadata.manifest m ON m.id = mb.manifest_id
               WHERE m.repository_id = rb.repository_id AND mb.digest = rb.digest)`;

/**
 * Collection over the metadata tables. The discipline, every time: claim rows FOR UPDATE SKIP
 * LOCKED in one statement, then check references in the next (READ COMMITTED gives it a fresh
 * snapshot, so it sees every reference committed before the claim); writers that add references
 * lock the rows they rely on (a manifest PUT its links and children FOR SHARE, a mount its source
 * link, a closing PUT the blob through its session's hold), so they either commit first and are
 * seen, or wait for the collection and then find the row gone.
 */
export class PostgresGarbageIndex implements GarbageIndex {
  constructor(private readonly access: CachedAccess) {}

  collectManifests(cutoff: Date, limit: number): Promise<number> {
    return this.access.writeAcross(async (tx) => {
      const claimed: Array<{ id: string }> = await tx.query(
        `SELECT m.id FROM metadata.manifest m WHERE m.created_at <= $1 AND ${UNREFERENCED_MANIFEST}
          ORDER BY m.created_at LIMIT $2 FOR UPDATE OF m SKIP LOCKED`,
        [cutoff, limit],
      );
      if (!claimed.length) return { value: 0, repositories: [] };
      const gone = await returnedRows<{ digest: string; name: string }>(
        tx,
        `DELETE FROM metadata.manifest m USING metadata.repository r
          WHERE m.id = ANY($1::bigint[]) AND r.id = m.repository_id AND ${UNREFERENCED_MANIFEST}
          RETURNING m.digest, r.name`,
        [claimed.map((c) => c.id)],
      );
      for (const { digest, name } of gone) {
        await recordEvent(tx, 'manifest.deleted', imageResource(name, digest), { ...repositoryParts(name), digest });
      }
      return { value: gone.length, repositories: gone.map((g) => g.name) };
    });
  }

  collectBlobs(cutoff: Date, limit: number, remove: RemoveObjects, after = ''): Promise<BlobBatch> {
    return this.access.writeAcross<BlobBatch>(async (tx) => {
      const claimed: string[] = (
        await tx.query(
          `SELECT r.digest FROM metadata.gc_review r JOIN metadata.blob b ON b.digest = r.digest
            WHERE r.digest > $3 AND r.queued_at <= $1 ORDER BY r.digest LIMIT $2 FOR UPDATE OF r, b SKIP LOCKED`,
          [cutoff, limit, after],
        )
      ).map((r: { digest: string }) => r.digest);
      if (!claimed.length) return { value: { reviewed: 0, linksRemoved: 0, blobsDeleted: 0, bytesFreed: 0 }, repositories: [] };

      const unlinked = await this.removeUnreferencedLinks(tx, claimed, cutoff);
      const deleted = await returnedRows<{ digest: string; size: string }>(
        tx,
        `DELETE FROM metadata.blob b WHERE b.digest = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM metadata.repository_blob rb WHERE rb.digest = b.digest)
            AND NOT EXISTS (SELECT 1 FROM metadata.upload u WHERE u.holds = b.digest)
          RETURNING b.digest, b.size`,
        [claimed],
      );
      // The objects go before the rows' deletion commits: until then the claim keeps every writer of these digests waiting.
      const failed = await remove(deleted.map((d) => d.digest));
      const kept = deleted.filter((d) => failed.has(d.digest));
      if (kept.length) {
        await tx.query('INSERT INTO metadata.blob (digest, size) SELECT * FROM unnest($1::text[], $2::bigint[])', [kept.map((d) => d.digest), kept.map((d) => d.size)]);
      }
      // Digests still linked by nothing but unreferenced links (too young, or held by a push) come back later; the rest are settled.
      await tx.query(
        `DELETE FROM metadata.gc_review r WHERE r.digest = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM metadata.blob b WHERE b.digest = r.digest AND (
                  NOT EXISTS (SELECT 1 FROM metadata.repository_blob rb WHERE rb.digest = b.digest)
                  OR EXISTS (SELECT 1 FROM metadata.repository_blob rb WHERE rb.digest = b.digest AND ${UNREFERENCED_LINK})))`,
        [claimed],
      );
      await tx.query('UPDATE metadata.gc_review SET queued_at = now() WHERE digest = ANY($1::text[])', [claimed]);
      const freed = deleted.filter((d) => !failed.has(d.digest));
      return {
        value: {
          reviewed: claimed.length,
          last: claimed[claimed.length - 1],
          linksRemoved: unlinked.count,
          blobsDeleted: freed.length,
          bytesFreed: freed.reduce((sum, d) => sum + toNumber(d.size), 0),
        },
        repositories: unlinked.repositories,
      };
    });
  }

  async forgetVanished(cutoff: Date): Promise<void> {
    await this.access.db.query('DELETE FROM metadata.gc_review r WHERE r.queued_at <= $1 AND NOT EXISTS (SELECT 1 FROM metadata.blob b WHERE b.digest = r.digest)', [cutoff]);
  }

  /** Removes the claimed digests' links made before `cutoff` that no manifest of their repository references, and gives their bytes back. */
  private async removeUnreferencedLinks(tx: EntityManager, digests: readonly string[], cutoff: Date): Promise<{ count: number; repositories: string[] }> {
    const locked: Array<{ repository_id: string; digest: string }> = await tx.query(
      'SELECT rb.repository_id, rb.digest FROM metadata.repository_blob rb WHERE rb.digest = ANY($1::text[]) AND rb.created_at <= $2 FOR UPDATE SKIP LOCKED',
      [digests, cutoff],
    );
    if (!locked.length) return { count: 0, repositories: [] };
    const removed: Array<{ name: string; links: string }> = await tx.query(
      `WITH gone AS (
         DELETE FROM metadata.repository_blob rb USING unnest($1::bigint[], $2::text[]) AS l(repository_id, digest)
          WHERE rb.repository_id = l.repository_id AND rb.digest = l.digest AND ${UNREFERENCED_LINK}
          RETURNING rb.repository_id, rb.digest
       ), freed AS (
         SELECT gone.repository_id, count(*) AS links, sum(b.size) AS bytes FROM gone JOIN metadata.blob b ON b.digest = gone.digest GROUP BY gone.repository_id
       ), repo AS (
         UPDATE metadata.repository r SET size = greatest(r.size - freed.bytes, 0) FROM freed
          WHERE r.id = freed.repository_id RETURNING r.name, r.organization_id, freed.links, freed.bytes
       ), owed AS (
         SELECT o.account_id, sum(repo.bytes) AS bytes FROM repo JOIN metadata.organization o ON o.id = repo.organization_id
          WHERE o.account_id IS NOT NULL GROUP BY o.account_id
       ), credited AS (
         UPDATE metadata.account_usage a SET bytes = greatest(a.bytes - owed.bytes, 0) FROM owed WHERE a.account_id = owed.account_id RETURNING 1
       )
       SELECT repo.name, repo.links FROM repo`,
      [locked.map((l) => l.repository_id), locked.map((l) => l.digest)],
    );
    return { count: removed.reduce((sum, r) => sum + toNumber(r.links), 0), repositories: removed.map((r) => r.name) };
  }

  collectUploads(cutoff: Date, limit: number, remove: RemoveObjects): Promise<{ removed: number; held: string[] }> {
    return this.access.db.transaction(async (tx) => {
      const expired = await returnedRows<{ id: string; holds: string | null }>(
        tx,
        `DELETE FROM metadata.upload WHERE id IN (SELECT id FROM metadata.upload WHERE updated_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, holds`,
        [cutoff, limit],
      );
      const leftovers = await returnedRows<{ id: string }>(
        tx,
        'DELETE FROM metadata.gc_upload_leftover WHERE id IN (SELECT id FROM metadata.gc_upload_leftover LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id',
        [limit],
      );
      const ids = [...expired, ...leftovers].map((u) => u.id);
      if (!ids.length) return { removed: 0, held: [] };
      const failed = await remove(ids);
      if (failed.size) await tx.query('INSERT INTO metadata.gc_upload_leftover (id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING', [[...failed]]);
      return { removed: ids.length - failed.size, held: expired.flatMap((u) => (u.holds ? [u.holds] : [])) };
    });
  }

  async adopt(digest: string, size: number): Promise<void> {
    await this.access.db.query('INSERT INTO metadata.blob (digest, size) VALUES ($1, $2) ON CONFLICT DO NOTHING', [digest, size]);
  }

  async candidates(settings: GarbageSettings, now: Date): Promise<GarbageCounts> {
    const cutoff = new Date(now.getTime() - settings.graceMs);
    const [row]: Array<Record<string, string>> = await this.access.db.query(
      `SELECT
         (SELECT count(*) FROM metadata.manifest m WHERE $3 AND m.created_at <= $1 AND ${UNREFERENCED_MANIFEST}) AS manifests,
         (SELECT count(*) FROM metadata.repository_blob rb JOIN metadata.gc_review r ON r.digest = rb.digest
           WHERE r.queued_at <= $1 AND rb.created_at <= $1 AND ${UNREFERENCED_LINK}) AS links,
         (SELECT count(*) FROM metadata.upload WHERE updated_at <= $2) + (SELECT count(*) FROM metadata.gc_upload_leftover) AS uploads,
         blobs.count AS blobs, blobs.bytes AS bytes
       FROM (SELECT count(*) AS count, coalesce(sum(b.size), 0) AS bytes FROM metadata.gc_review r JOIN metadata.blob b ON b.digest = r.digest
              WHERE r.queued_at <= $1
                AND NOT EXISTS (SELECT 1 FROM metadata.upload u WHERE u.holds = b.digest)
                AND NOT EXISTS (SELECT 1 FROM metadata.repository_blob rb WHERE rb.digest = b.digest
                                 AND (rb.created_at > $1 OR NOT (${UNREFERENCED_LINK})))) AS blobs`,
      [cutoff, new Date(now.getTime() - settings.uploadTtlMs), settings.collectUntagged],
    );
    return {
      manifestsDeleted: toNumber(row.manifests),
      linksRemoved: toNumber(row.links),
      blobsDeleted: toNumber(row.blobs),
      bytesFreed: toNumber(row.bytes),
      uploadsRemoved: toNumber(row.uploads),
    };
  }
}
