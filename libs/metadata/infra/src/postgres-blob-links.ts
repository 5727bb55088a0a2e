import type { BlobLinks } from '@swr/metadata-core';
import type { RepositoryName } from '@swr/oci';
import { touchedRows } from '@swr/db';
import type { DataSource } from 'typeorm';
import type { CachedAccess } from './cached-access';
import { ensureRepository, toNumber } from './sql';

export class PostgresBlobLinks implements BlobLinks {
  private readonly db: DataSource;

  constructor(private readonly access: CachedAccess) {
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

  async mount(target: RepositoryName, from: string, digest: string): Promise<number | undefined> {
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
      const repositoryId = await ensureRepository(tx, target);
      await tx.query('INSERT INTO metadata.repository_blob (repository_id, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING', [repositoryId, digest]);
      return toNumber(source[0].size);
    });
  }

  unlink(repository: string, digest: string): Promise<boolean> {
    return this.access.write(repository, (tx) =>
      touchedRows(tx, 'DELETE FROM metadata.repository_blob rb USING metadata.repository r WHERE rb.repository_id = r.id AND r.name = $1 AND rb.digest = $2', [
        repository,
        digest,
      ]),
    );
  }
}
