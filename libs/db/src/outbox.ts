import type { OutboxChange, OutboxEntry } from '@swr/contracts';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
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
    // Most unannounced looks find it empty: one statement instead of a transaction's three round trips.
    if (!announced) {
      const waiting: unknown[] = await this.db.query(`SELECT 1 FROM ${outboxTable(this.schema)} LIMIT 1`);
      if (!waiting.length) return 0;
    }
    return this.db.transaction(async (tx) => {
      const entries: OutboxEntry[] = await tx.query(
        `SELECT id, subject, payload FROM ${outboxTable(this.schema)} ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (!entries.length) return 0;
      const published = await publish(entries);
      // A removal a crash takes back only publishes the entries again, under ids the stream drops as duplicates.
      if (published.length) await tx.query(`DELETE FROM ${outboxTable(this.schema)} WHERE id = ANY($1::uuid[]) AND ${TRANSIENT_COMMIT}`, [published]);
      return published.length;
    });
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
