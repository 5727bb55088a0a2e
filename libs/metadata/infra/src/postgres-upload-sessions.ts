import type { UploadPartPayload } from '@swr/contracts';
import type { UploadRecord, UploadSessions } from '@swr/metadata-core';
import type { DigestAlgorithm, RepositoryName } from '@swr/oci';
import { touchedRows } from '@swr/db';
import type { DataSource } from 'typeorm';
import { ensureRepository, toNumber } from './sql';

interface UploadRow {
  id: string;
  algorithm: DigestAlgorithm;
  offset: string;
  parts: UploadPartPayload[];
  started_at: Date;
}

const COLUMNS = 'u.id, u.algorithm, u."offset", u.parts, u.started_at';

export class PostgresUploadSessions implements UploadSessions {
  constructor(private readonly db: DataSource) {}

  async create(repository: RepositoryName, id: string, algorithm: DigestAlgorithm): Promise<UploadRecord> {
    return this.db.transaction(async (tx) => {
      const repositoryId = await ensureRepository(tx, repository);
      const rows: UploadRow[] = await tx.query(
        `INSERT INTO metadata.upload AS u (id, repository_id, algorithm) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [id, repositoryId, algorithm],
      );
      return toRecord(repository.name, rows[0]);
    });
  }

  async find(repository: string, id: string): Promise<UploadRecord | undefined> {
    const rows: UploadRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM metadata.upload u JOIN metadata.repository r ON r.id = u.repository_id WHERE u.id = $2 AND r.name = $1`,
      [repository, id],
    );
    return rows.length ? toRecord(repository, rows[0]) : undefined;
  }

  async append(repository: string, id: string, expectedOffset: number, part: UploadPartPayload): Promise<UploadRecord | undefined> {
    const rows: UploadRow[] = await this.db.query(
      `WITH appended AS (
         UPDATE metadata.upload u
            SET "offset" = u."offset" + $4, parts = u.parts || $5::jsonb, updated_at = now()
           FROM metadata.repository r
          WHERE r.id = u.repository_id AND r.name = $1 AND u.id = $2 AND u."offset" = $3
         RETURNING ${COLUMNS}
       ) SELECT * FROM appended`,
      [repository, id, expectedOffset, part.size, JSON.stringify([part])],
    );
    return rows.length ? toRecord(repository, rows[0]) : undefined;
  }

  async complete(repository: string, id: string, digest: string, size: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const ended: Array<{ repository_id: string }> = await tx.query(
        `WITH ended AS (
           DELETE FROM metadata.upload u USING metadata.repository r
           WHERE u.repository_id = r.id AND r.name = $1 AND u.id = $2 RETURNING u.repository_id
         ) SELECT repository_id FROM ended`,
        [repository, id],
      );
      if (!ended.length) return false;
      await tx.query('INSERT INTO metadata.blob (digest, size) VALUES ($1, $2) ON CONFLICT DO NOTHING', [digest, size]);
      await tx.query('INSERT INTO metadata.repository_blob (repository_id, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING', [ended[0].repository_id, digest]);
      return true;
    });
  }

  remove(repository: string, id: string): Promise<boolean> {
    return touchedRows(this.db, 'DELETE FROM metadata.upload u USING metadata.repository r WHERE u.repository_id = r.id AND r.name = $1 AND u.id = $2', [repository, id]);
  }
}

function toRecord(repository: string, row: UploadRow): UploadRecord {
  return { id: row.id, repository, algorithm: row.algorithm, offset: toNumber(row.offset), parts: row.parts, startedAt: row.started_at };
}
