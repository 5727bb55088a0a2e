import type { OutboxChange, OutboxEntry } from '@swr/contracts';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PostgresListener } from './postgres-listener';
import { TRANSIENT_COMMIT } from './transient-commit';

/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** A service's outbox table, for statements that write an event alongside their change in one round trip. */
export function outboxTable(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `${schema}.outbox`;
}

/** The DDL of a service's outbox, for its own migration. */
export function outboxTableSql(schema: string): string {
  return `CREATE TABLE ${outboxTable(schema)} (
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    subject text NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;
}

/** The channel a service's outbox announces its writes on. */
export function outboxChannel(schema: string): string {
  return outboxTable(schema).replace('.', '_');
}

/**
 * The migration, for a service's own list, that makes its outbox announce on `outboxChannel` every
 * statement that writes into it, once the transaction commits (PostgreSQL sends a transaction's
 * identical notifications once), so that relays wait for writes instead of polling.
 */
export function outboxAnnouncements(schema: string): new () => MigrationInterface {
  const table = outboxTable(schema);
  return class OutboxAnnouncements1765100000000 implements MigrationInterface {
    name = 'OutboxAnnouncements1765100000000';

    async up(db: QueryRunner): Promise<void> {
      await db.query(`
        CREATE FUNCTION ${schema}.outbox_written() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${outboxChannel(schema)}', '');
          RETURN NULL;
        END $$;
        CREATE TRIGGER outbox_written AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.outbox_written();
      `);
    }

    async down(db: QueryRunner): Promise<void> {
      await db.query(`DROP TRIGGER outbox_written ON ${table}; DROP FUNCTION ${schema}.outbox_written();`);
    }
  };
}

/**
 * Writes an event into the outbox inside the caller's transaction: the event exists exactly when
 * the state change it describes was committed.
 */
export async function appendToOutbox(tx: Queryable, schema: string, entry: OutboxEntry): Promise<void> {
  await tx.query(`INSERT INTO ${outboxTable(schema)} (id, subject, payload) VALUES ($1, $2, $3)`, [entry.id, entry.subject, entry.payload]);
}

/** What the drain uses of a pooled pg client: simple queries (several statements, one result each) and its errors. */
interface PooledClient {
  query(sql: string): Promise<Array<{ rows: unknown[] }>>;
  on(event: 'error', listener: (error: Error) => void): void;
  removeListener(event: 'error', listener: (error: Error) => void): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The statement that removes published entries, with their ids written in: each is checked to be a uuid as PostgreSQL prints one. */
function removal(schema: string, ids: readonly string[]): string {
  for (const id of ids) if (!UUID.test(id)) throw new Error(`invalid outbox entry id ${id}`);
  return `DELETE FROM ${outboxTable(schema)} WHERE id = ANY('{${ids.join(',')}}'::uuid[]) AND ${TRANSIENT_COMMIT}`;
}

/** A service's outbox as the relay drains it: oldest first, batches locked so that relays never share one. */
export class PostgresOutbox {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
  ) {
    outboxTable(schema);
  }

  /**
   * Locks up to `limit` of the oldest entries, hands them to `publish`, and removes those it
   * reports published, in one transaction. Entries it did not publish stay for the next round.
   */
  async drain(limit: number, publish: (entries: OutboxEntry[]) => Promise<string[]>, announced = false): Promise<number> {
    // Most unannounced looks find it empty: one statement instead of a transaction's round trips.
    if (!announced) {
      const waiting: unknown[] = await this.db.query(`SELECT 1 FROM ${outboxTable(this.schema)} LIMIT 1`);
      if (!waiting.length) return 0;
    }
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`invalid outbox batch size ${limit}`);
    // Two round trips instead of four: BEGIN travels with the locking read, COMMIT with the removal,
    // as multi-statement simple queries. Those take no parameters, so the batch size (checked above)
    // and the ids (read back from a uuid column, checked again below) are written into the SQL.
    const [client, release] = (await (this.db.driver as PostgresDriver).obtainMasterConnection()) as [PooledClient, (broken?: Error) => void];
    // Checked out, a client's errors are ours to take: unheard, a dropped connection would throw.
    let broken: Error | undefined;
    const onError = (error: Error) => (broken = error);
    client.on('error', onError);
    let ended = false;
    try {
      const [, locked] = await client.query(
        `BEGIN; SELECT id, subject, payload FROM ${outboxTable(this.schema)} ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      );
      const entries = locked.rows as OutboxEntry[];
      let published: string[] = [];
      try {
        if (entries.length) published = await publish(entries);
      } catch (error) {
        await client.query('ROLLBACK');
        ended = true;
        throw error;
      }
      // A removal a crash takes back only publishes the entries again, under ids the stream drops as duplicates.
      await client.query(published.length ? `${removal(this.schema, published)}; COMMIT` : 'COMMIT');
      ended = true;
      return published.length;
    } finally {
      client.removeListener('error', onError);
      // A connection whose transaction did not end goes back to the pool only to be closed.
      release(broken ?? (ended ? undefined : new Error('outbox drain interrupted')));
    }
  }

  /**
   * Reports the outbox's announced writes (see outboxAnnouncements) over a connection of its own,
   * which reconnects when dropped; resolves with the function that stops it.
   */
  async watch(onChange: (change: OutboxChange) => void): Promise<() => Promise<void>> {
    // openDatabase gives every service's pool its database by URL.
    const { url } = this.db.options as { url?: string };
    if (!url) throw new Error('watching an outbox needs the database given by URL');
    const listener = new PostgresListener({
      url,
      channel: outboxChannel(this.schema),
      onNotification: () => onChange('written'),
      onListening: () => onChange('listening'),
      onLost: () => onChange('lost'),
    });
    await listener.start();
    return () => listener.stop();
  }

  async pending(): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query(`SELECT count(*)::int AS n FROM ${outboxTable(this.schema)}`);
    return rows[0].n;
  }
}
