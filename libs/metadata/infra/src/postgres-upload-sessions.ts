import type { UploadPartPayload } from '@swr/contracts';
import { MetadataError, type AccountLimits, type AppendResult, type HeldUploadRecord, type UploadRecord, type UploadSessions } from '@swr/metadata-core';
import type { DigestAlgorithm, RepositoryName } from '@swr/oci';
import { TRANSIENT_COMMIT, touchedRows } from '@swr/db';
import type { DataSource } from 'typeorm';
import { blobResource, eventEntry, METADATA_OUTBOX, repositoryParts } from './events';
import {
  ABORT_IF_UNCHARGED,
  asRepositoryQuotaRefusal,
  CREATION_GUARD,
  creationSteps,
  creationValues,
  ensureRepository,
  LINK_OUTCOME,
  linkSteps,
  settleCharge,
  toNumber,
  UNCHARGED,
  type LinkOutcome,
} from './sql';

interface UploadRow {
  id: string;
  algorithm: DigestAlgorithm;
  offset: string;
  started_at: Date;
}

const COLUMNS = 'u.id, u.algorithm, u."offset", u.started_at';

/**
 * A blob's completion as CTEs: ends session $5 of repository $4, records blob $1 of $2 bytes,
 * queues its event ($6-$8) and links it (see linkSteps, $3 the storage limit).
 */
const completionSteps = `WITH ended AS (
    DELETE FROM metadata.upload u USING metadata.repository r
     WHERE u.repository_id = r.id AND r.name = $4 AND u.id = $5 RETURNING u.repository_id
  ),
  stored AS (INSERT INTO metadata.blob (digest, size) SELECT $1::text, $2::bigint FROM ended ON CONFLICT DO NOTHING),
  announced AS (INSERT INTO ${METADATA_OUTBOX} (id, subject, payload) SELECT $6::uuid, $7::text, $8::text FROM ended),
  ${linkSteps('ended')}`;

/** The parts of the upload whose id the SQL expression `id` gives, in order, as one JSON array. */
const partsOf = (id: string) =>
  `(SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.part_id, 'size', p.size) ORDER BY p.start_offset), '[]') FROM metadata.upload_part p WHERE p.upload_id = ${id})`;

/**
 * Upload sessions in PostgreSQL. A part appended commits without waiting for the disk
 * (TRANSIENT_COMMIT): like the part's bytes, which are not flushed either, it only has to last
 * until the blob is committed, and a client whose part a crash took back is told where the upload
 * stands and sends again. What must outlive a crash waits for the disk: the session itself, before
 * any byte of it is stored (collection finds an upload's files through it), the closing PUT's hold,
 * before the blob is stored under its digest (an expired session's hold has collection review a
 * blob that was stored but never linked), and the completion.
 */
export class PostgresUploadSessions implements UploadSessions {
  constructor(
    private readonly db: DataSource,
    private readonly limits: AccountLimits,
  ) {}

  async create(repository: RepositoryName, id: string, algorithm: DigestAlgorithm, account?: string): Promise<UploadRecord> {
    // Into an existing repository (every blob of a push but the first), in one statement.
    const opened: UploadRow[] = await this.db.query(
      `INSERT INTO metadata.upload AS u (id, repository_id, algorithm) SELECT $1, r.id, $3 FROM metadata.repository r WHERE r.name = $2 RETURNING ${COLUMNS}`,
      [id, repository.name, algorithm],
    );
    if (opened.length) return toRecord(repository.name, opened[0]);
    const created = await this.createWithRepository(repository, id, algorithm, account);
    if (created) return created;
    return this.db.transaction(async (tx) => {
      const repositoryId = await ensureRepository(tx, repository, account, this.limits);
      const rows: UploadRow[] = await tx.query(
        `INSERT INTO metadata.upload AS u (id, repository_id, algorithm) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
        [id, repositoryId, algorithm],
      );
      return toRecord(repository.name, rows[0]);
    });
  }

  /**
   * The first blob of a new repository: the repository is created (see creationSteps) and the
   * session opened in one statement. Undefined when the repository appeared meanwhile: the
   * transaction of `create` then opens the session in it. Refused when the account has no room.
   */
  private async createWithRepository(repository: RepositoryName, id: string, algorithm: DigestAlgorithm, account?: string): Promise<UploadRecord | undefined> {
    try {
      const rows: UploadRow[] = await this.db.query(
        `WITH ${creationSteps(3)},
         opened AS (INSERT INTO metadata.upload AS u (id, repository_id, algorithm) SELECT $1::uuid, id, $2::text FROM created RETURNING ${COLUMNS})
         SELECT opened.*, ${CREATION_GUARD} AS guard FROM opened`,
        [id, algorithm, ...creationValues({ name: repository, account, byPush: true }, this.limits)],
      );
      return rows.length ? toRecord(repository.name, rows[0]) : undefined;
    } catch (error) {
      throw asRepositoryQuotaRefusal(error, this.limits);
    }
  }

  async find(repository: string, id: string): Promise<UploadRecord | undefined> {
    const rows: UploadRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM metadata.upload u JOIN metadata.repository r ON r.id = u.repository_id WHERE u.id = $2 AND r.name = $1`,
      [repository, id],
    );
    return rows.length ? toRecord(repository, rows[0]) : undefined;
  }

  /**
   * Marks the digest the session's closing PUT commits, so that no collection removes that blob
   * until the session ends. Should a collection be deleting it right now, this waits until it is
   * gone: the PUT then finds it missing from the store and stores it again.
   */
  async hold(repository: string, id: string, digest: string): Promise<HeldUploadRecord | undefined> {
    // One statement: the hold is written first, then the blob's row is locked (or waited for)
    // until the statement commits.
    const rows: Array<UploadRow & { parts: UploadPartPayload[] }> = await this.db.query(
      `WITH held AS (
         UPDATE metadata.upload u SET holds = $3, updated_at = now() FROM metadata.repository r
          WHERE r.id = u.repository_id AND r.name = $1 AND u.id = $2 RETURNING ${COLUMNS}
       ),
       guarded AS (SELECT 1 FROM metadata.blob WHERE digest = $3 AND EXISTS (SELECT 1 FROM held) FOR SHARE)
       SELECT held.*, ${partsOf('held.id')} AS parts, (SELECT count(*) FROM guarded) AS guarded FROM held`,
      [repository, id, digest],
    );
    return rows.length ? { ...toRecord(repository, rows[0]), parts: rows[0].parts } : undefined;
  }

  async parts(repository: string, id: string): Promise<UploadPartPayload[] | undefined> {
    const rows: Array<{ parts: UploadPartPayload[] }> = await this.db.query(
      `SELECT ${partsOf('u.id')} AS parts FROM metadata.upload u JOIN metadata.repository r ON r.id = u.repository_id WHERE u.id = $2 AND r.name = $1`,
      [repository, id],
    );
    return rows[0]?.parts;
  }

  /**
   * The quota check is an early refusal: the bytes are charged, atomically, when the blob is
   * linked. An empty part holds nothing to commit: it moves nothing and is not kept.
   */
  async append(repository: string, id: string, expectedOffset: number, part: UploadPartPayload): Promise<AppendResult | undefined> {
    const rows: UploadRow[] = await this.db.query(
      `WITH appended AS (
         UPDATE metadata.upload u
            SET "offset" = u."offset" + $4, updated_at = now()
           FROM metadata.repository r
          WHERE r.id = u.repository_id AND r.name = $1 AND u.id = $2 AND u."offset" = $3
            AND ($6 < 0 OR NOT EXISTS (
                  SELECT 1 FROM metadata.organization o JOIN metadata.account_usage a ON a.account_id = o.account_id
                   WHERE o.id = r.organization_id AND a.bytes + u."offset" + $4 > $6))
         RETURNING ${COLUMNS}
       ),
       kept AS (INSERT INTO metadata.upload_part (upload_id, start_offset, part_id, size) SELECT id, $3::bigint, $5::text, $4::bigint FROM appended WHERE $4::bigint > 0)
       SELECT * FROM appended WHERE ${TRANSIENT_COMMIT}`,
      [repository, id, expectedOffset, part.size, part.id, this.limits.bytes],
    );
    if (rows.length) return { appended: toRecord(repository, rows[0]) };
    const current = await this.find(repository, id);
    if (!current) return undefined;
    return { refused: current.offset === expectedOffset ? 'quota' : 'offset', current };
  }

  /** A blob refused for the quota stays stored, unlinked: it gets a row, so that collection reviews (and removes) it. */
  async complete(repository: string, id: string, digest: string, size: number): Promise<boolean> {
    try {
      return await this.linkCompleted(repository, id, digest, size);
    } catch (error) {
      if (error instanceof MetadataError && error.code === 'META_QUOTA_EXCEEDED') {
        await this.db.query('INSERT INTO metadata.blob (digest, size) VALUES ($1, $2) ON CONFLICT DO NOTHING', [digest, size]);
      }
      throw error;
    }
  }

  /**
   * Ends the session, records the blob, links and charges it and records its event, all in one
   * statement. A link it cannot charge (the account at its quota, or without a usage row) aborts
   * that statement, and the transaction that settles the charge does it all again.
   */
  private async linkCompleted(repository: string, id: string, digest: string, size: number): Promise<boolean> {
    const event = eventEntry('blob.uploaded', blobResource(repository, digest), { ...repositoryParts(repository), digest, size });
    const parameters = [digest, size, this.limits.bytes, repository, id, ...event];
    try {
      const outcomes: Array<{ ended: boolean }> = await this.db.query(
        `${completionSteps} SELECT EXISTS (SELECT 1 FROM ended) AS ended, ${ABORT_IF_UNCHARGED}`,
        parameters,
      );
      return outcomes[0].ended;
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNCHARGED) throw error;
    }
    return this.db.transaction(async (tx) => {
      const outcomes: Array<LinkOutcome & { ended: boolean }> = await tx.query(`${completionSteps} SELECT EXISTS (SELECT 1 FROM ended) AS ended, ${LINK_OUTCOME}`, parameters);
      if (!outcomes[0].ended) return false;
      await settleCharge(tx, outcomes[0], size, this.limits);
      return true;
    });
  }

  remove(repository: string, id: string): Promise<boolean> {
    return touchedRows(this.db, 'DELETE FROM metadata.upload u USING metadata.repository r WHERE u.repository_id = r.id AND r.name = $1 AND u.id = $2', [repository, id]);
  }
}

function toRecord(repository: string, row: UploadRow): UploadRecord {
  return { id: row.id, repository, algorithm: row.algorithm, offset: toNumber(row.offset), startedAt: row.started_at };
}
