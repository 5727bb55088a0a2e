import type { TraceRecord, TraceStore } from '@swr/audit-core';
import { traceView } from '@swr/audit-core';
import type { TraceQuery, TraceView } from '@swr/contracts';
import { returnedRows } from '@swr/db';
import type { DataSource } from 'typeorm';

const COLUMNS = [
  'trace_id',
  'account_id',
  'trace_name',
  'trace_rating',
  'trace_type',
  'event_type',
  'resource_type',
  'resource_name',
  'resource_id',
  'source_ip',
  'user_agent',
  'user_id',
  'user_name',
  'account_name',
  'code',
  'message',
  'request',
  'response',
  'request_id',
  'time',
] as const;

const TYPES = ['uuid', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'integer', 'text', 'text', 'text', 'text', 'timestamptz'];

interface TraceRow {
  trace_id: string;
  account_id: string | null;
  trace_name: string;
  trace_rating: TraceRecord['rating'];
  trace_type: TraceRecord['type'];
  event_type: string;
  resource_type: string;
  resource_name: string;
  resource_id: string;
  source_ip: string;
  user_agent: string;
  user_id: string;
  user_name: string;
  account_name: string;
  code: number;
  message: string;
  request: string;
  response: string;
  request_id: string;
  time: Date;
  record_time: Date;
}

/** PostgreSQL text cannot hold NUL; a call that smuggled one in (refused, but audited) keeps a visible stand-in. */
const storable = (value: string) => value.replaceAll('\u0000', '\uFFFD');

function columnsOf(t: TraceRecord): unknown[] {
  return [
    t.id,
    t.accountId ?? null,
    t.name,
    t.rating,
    t.type,
    t.eventType,
    t.resourceType,
    t.resourceName,
    t.resourceId,
    t.sourceIp,
    t.userAgent,
    t.userId,
    t.userName,
    t.accountName,
    t.code,
    t.message,
    t.request,
    t.response,
    t.requestId,
    t.time,
  ].map((value) => (typeof value === 'string' ? storable(value) : value));
}

const toView = (r: TraceRow): TraceView =>
  traceView(
    {
      id: r.trace_id,
      ...(r.account_id ? { accountId: r.account_id } : {}),
      name: r.trace_name,
      rating: r.trace_rating,
      type: r.trace_type,
      eventType: r.event_type,
      resourceType: r.resource_type,
      resourceName: r.resource_name,
      resourceId: r.resource_id,
      sourceIp: r.source_ip,
      userAgent: r.user_agent,
      userId: r.user_id,
      userName: r.user_name,
      accountName: r.account_name,
      code: r.code,
      message: r.message,
      request: r.request,
      response: r.response,
      requestId: r.request_id,
      time: r.time,
    },
    r.record_time,
  );

export class PostgresTraceStore implements TraceStore {
  constructor(private readonly db: DataSource) {}

  /** A whole batch in one statement: each column travels as one array and is unnested into rows. */
  async add(traces: readonly TraceRecord[]): Promise<number> {
    if (!traces.length) return 0;
    const rows = traces.map(columnsOf);
    const columns = COLUMNS.map((_, i) => rows.map((row) => row[i]));
    const inserted = await returnedRows(
      this.db,
      `INSERT INTO audit.trace (${COLUMNS.join(', ')})
       SELECT * FROM unnest(${TYPES.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})
       ON CONFLICT (trace_id) DO NOTHING RETURNING 1`,
      columns,
    );
    return inserted.length;
  }

  async query(q: TraceQuery): Promise<{ traces: TraceView[]; marker?: string }> {
    const rows: TraceRow[] = await this.db.query(
      `SELECT * FROM audit.trace t
        WHERE t.account_id = $1
          AND ($2::timestamptz IS NULL OR t.time >= $2) AND ($3::timestamptz IS NULL OR t.time <= $3)
          AND ($4::uuid IS NULL OR (t.time, t.trace_id) < (SELECT n.time, n.trace_id FROM audit.trace n WHERE n.trace_id = $4))
          AND ($5::text IS NULL OR t.trace_name = $5) AND ($6::text IS NULL OR t.trace_rating = $6)
          AND ($7::text IS NULL OR t.resource_type = $7) AND ($8::text IS NULL OR t.resource_name = $8)
          AND ($9::text IS NULL OR t.resource_id = $9) AND ($10::text IS NULL OR t.user_name = $10 OR t.user_id = $10)
        ORDER BY t.time DESC, t.trace_id DESC
        LIMIT $11`,
      [
        q.accountId,
        q.from === undefined ? null : new Date(q.from),
        q.to === undefined ? null : new Date(q.to),
        q.next ?? null,
        q.traceName ?? null,
        q.traceRating ?? null,
        q.resourceType ?? null,
        q.resourceName ?? null,
        q.resourceId ?? null,
        q.user ?? null,
        q.limit + 1,
      ],
    );
    const page = rows.slice(0, q.limit).map(toView);
    return rows.length > q.limit ? { traces: page, marker: page[page.length - 1].trace_id } : { traces: page };
  }

  async removeBefore(cutoff: Date): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query('WITH gone AS (DELETE FROM audit.trace WHERE time < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone', [cutoff]);
    return rows[0].n;
  }
}
