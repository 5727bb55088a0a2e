import type { AccountLimits, BlobLinks } from '@swr/metadata-core';
import type { RepositoryName } from '@swr/oci';
import type { DataSource } from 'typeorm';
import type { CachedAccess } from './cached-access';
import { blobResource, recordEvent, repositoryParts } from './events';
import { creditUnlinked, ensureRepository, linkBlob, toNumber } from './sql';

export class PostgresBlobLinks implements BlobLinks {
  private readonly db: DataSource;

  constructor(
    private readonly access: CachedAccess,
    private readonly limits: AccountLimits,
  ) {
    this.db = access.db;
  }

  linkedSize(repository: string, digest: string): Promise<number | undefined> {
    return this.access.read(repository, `blob:${digest}`, () => this.loadLinkedSize(repository, digest));
  }

  private async loadLinkedSize(repository: string, digest: string): Promise<number | undefined> {
    const rows: Array<{ size: string }> = await this.db.query(
      `SELECT b.size FROM metadata.repository r
         JOIN metadata.repository_blob rb ON rb.repository_id = r.id AND rb.digest = $2
         JOIN metadata.blob b ON b.digest = rb.digest
       WHERE r.name = $1`,
      [repository, digest],
    );
    return rows.length ? toNumber(rows[0].size) : undefined;
  }

  async mount(target: RepositoryName, from: string, digest: string, account?: string): Promise<number | undefined> {
    return this.db.transaction(async (tx) => {
      // FOR SHARE keeps the source link from disappearing until the new link is committed.
      const source: Array<{ size: string }> = await tx.query(
        `SELECT b.size FROM metadata.repository r
           JOIN metadata.repository_blob rb ON rb.repository_id = r.id AND rb.digest = $2
           JOIN metadata.blob b ON b.digest = rb.digest
         WHERE r.name = $1 FOR SHARE OF rb`,
        [from, digest],
      );
      if (!source.length) return undefined;
      const repositoryId = await ensureRepository(tx, target, account, this.limits);
      const size = toNumber(source[0].size);
      await linkBlob(tx, repositoryId, digest, size, this.limits);
      await recordEvent(tx, 'blob.mounted', blobResource(target.name, digest), { ...repositoryParts(target.name), digest, size, from });
      return size;
    });
  }

  unlink(repository: string, digest: string): Promise<boolean> {
    return this.access.write(repository, async (tx) => {
      const gone: Array<{ repository_id: string; size: string }> = await tx.query(
        `WITH gone AS (
           DELETE FROM metadata.repository_blob rb USING metadata.repository r
            WHERE rb.repository_id = r.id AND r.name = $1 AND rb.digest = $2 RETURNING rb.repository_id
         ) SELECT gone.repository_id, b.size FROM gone JOIN metadata.blob b ON b.digest = $2`,
        [repository, digest],
      );
      if (!gone.length) return false;
      await creditUnlinked(tx, gone[0].repository_id, toNumber(gone[0].size));
      await recordEvent(tx, 'blob.deleted', blobResource(repository, digest), { ...repositoryParts(repository), digest });
      return true;
    });
  }
}
