import type { GarbageRunPayload } from '@swr/contracts';
import type { GarbageCounts, GarbageRuns, GarbageTrigger } from '@swr/metadata-core';
import type { DataSource } from 'typeorm';
import { toNumber } from './sql';

interface RunRow {
  id: string;
  trigger: GarbageTrigger;
  dry_run: boolean;
  status: GarbageRunPayload['status'];
  started_at: Date;
  finished_at: Date | null;
  manifests_deleted: number;
  links_removed: number;
  blobs_deleted: number;
  bytes_freed: string;
  uploads_removed: number;
  error: string | null;
  total?: string;
}

function toPayload(row: RunRow): GarbageRunPayload {
  return {
    id: String(row.id),
    trigger: row.trigger,
    dryRun: row.dry_run,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString(), durationMs: row.finished_at.getTime() - row.started_at.getTime() } : {}),
    ...(row.error ? { error: row.error } : {}),
    manifestsDeleted: row.manifests_deleted,
    linksRemoved: row.links_removed,
    blobsDeleted: row.blobs_deleted,
    bytesFreed: toNumber(row.bytes_freed),
    uploadsRemoved: row.uploads_removed,
  };
}

export class PostgresGarbageRuns implements GarbageRuns {
  constructor(private readonly db: DataSource) {}

  async start(trigger: GarbageTrigger, dryRun: boolean): Promise<string> {
    const rows: Array<{ id: string }> = await this.db.query("INSERT INTO metadata.gc_run (trigger, dry_run, status) VALUES ($1, $2, 'running') RETURNING id", [trigger, dryRun]);
    return String(rows[0].id);
  }

  async finish(id: string, counts: GarbageCounts, error?: string): Promise<void> {
    await this.db.query(
      `UPDATE metadata.gc_run SET status = $2, finished_at = now(), manifests_deleted = $3, links_removed = $4, blobs_deleted = $5,
              bytes_freed = $6, uploads_removed = $7, error = $8 WHERE id = $1`,
      [id, error === undefined ? 'succeeded' : 'failed', counts.manifestsDeleted, counts.linksRemoved, counts.blobsDeleted, counts.bytesFreed, counts.uploadsRemoved, error ?? null],
    );
  }

  async get(id: string): Promise<GarbageRunPayload | undefined> {
    const rows: RunRow[] = await this.db.query('SELECT * FROM metadata.gc_run WHERE id = $1', [id]);
    return rows.length ? toPayload(rows[0]) : undefined;
  }

  async list(limit: number, offset: number): Promise<{ runs: GarbageRunPayload[]; total: number }> {
    const rows: RunRow[] = await this.db.query('SELECT *, count(*) OVER () AS total FROM metadata.gc_run ORDER BY id DESC LIMIT $1 OFFSET $2', [limit, offset]);
    const total = rows.length ? toNumber(rows[0].total as string) : toNumber((await this.db.query('SELECT count(*) AS n FROM metadata.gc_run'))[0].n);
    return { runs: rows.map(toPayload), total };
  }
}
