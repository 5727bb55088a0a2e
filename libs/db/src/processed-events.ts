import { returnedRows } from './touched';

/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

function table(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `${schema}.processed_event`;
}

/**
 * The DDL of a service's record of the events its workers handled (one row per worker kind and
 * event), for its own migration. Two statements: run it without parameters.
 */
export function processedEventsTableSql(schema: string): string {
  return `CREATE TABLE ${table(schema)} (
    consumer text NOT NULL,
    id uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, id)
  );
  CREATE INDEX processed_event_processed_at ON ${table(schema)} (processed_at)`;
}

/**
 * Records that worker kind `consumer` handles the events `ids`, and returns those it had not handled
 * before: the ones to act on. Call it in the transaction that writes the handler's effects, so that
 * "handled" commits with them; a replica handling the same event at the same moment waits for this
 * transaction and then sees the event as handled.
 */
export async function claimEvents(tx: Queryable, schema: string, consumer: string, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await returnedRows<{ id: string }>(
    tx,
    `INSERT INTO ${table(schema)} (consumer, id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING id::text`,
    [consumer, ids],
  );
  // Postgres spells a uuid in lower case: answer with the caller's spelling.
  const spelled = new Map(ids.map((id) => [id.toLowerCase(), id]));
  return new Set(rows.map((row) => spelled.get(row.id) ?? row.id));
}

/**
 * Forgets the events handled before `cutoff`, returning how many. Keep them longer than the event
 * stream keeps events (and the outbox can hold them): an event forgotten while it can still arrive
 * would be handled again.
 */
export async function forgetProcessedBefore(db: Queryable, schema: string, cutoff: Date): Promise<number> {
  const rows = (await db.query(`WITH gone AS (DELETE FROM ${table(schema)} WHERE processed_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`, [cutoff])) as Array<{ n: number }>;
  return rows[0].n;
}
