import type { Pool } from 'pg';

/** How far a service's outbox relay is behind: the events waiting and how long the oldest has waited. */
export interface OutboxBacklog {
  readonly events: number;
  /** 0 when the outbox is empty. */
  readonly oldestAgeSeconds: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Reads a service's outbox backlog in one statement. The relay drains the outbox continuously, so
 * it holds few rows and the count stays cheap; the age is measured by the database's clock, which
 * stamped `created_at`.
 */
export async function readOutboxBacklog(db: Pick<Pool, 'query'>, schema: string): Promise<OutboxBacklog> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const { rows } = await db.query<{ events: number; age: number }>(
    `SELECT count(*)::int AS events, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age FROM ${schema}.outbox`,
  );
  return { events: rows[0].events, oldestAgeSeconds: Math.max(0, rows[0].age) };
}
