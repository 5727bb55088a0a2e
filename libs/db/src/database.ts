import { Client } from 'pg';
import { DataSource, MigrationInterface } from 'typeorm';
import { PreparingClient } from './preparing-client';

export interface DatabaseOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** The service's own Postgres schema: no service reads another's tables. */
  readonly schema: string;
  readonly migrations: Array<new () => MigrationInterface>;
  readonly poolSize?: number;
}

/**
 * Opens a connection pool for one service and brings its schema up to date. Replicas that start
 * together take turns through an advisory lock, so each migration runs once.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  await ensureDatabase(options.url);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    // Statements are prepared once per connection (see PreparingClient).
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000, Client: PreparingClient },
  });
  await dataSource.initialize();
  try {
    await migrate(dataSource, options.schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** PostgreSQL's codes for a database that does not exist, one that does, and a privilege the role lacks. */
const NO_SUCH_DATABASE = '3D000';
const DATABASE_EXISTS = '42P04';
const NOT_ALLOWED = '42501';

/**
 * Creates the database the URL names when it does not exist yet and the role may (CREATEDB), so that
 * a first start needs no `CREATE DATABASE` by hand; replicas starting together may both try, and one
 * wins. When the role may not, the error says the one statement an administrator must run.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const probe = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== NO_SUCH_DATABASE) throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const role = decodeURIComponent(target.username);
  target.pathname = '/postgres';
  const admin = new Client({ connectionString: target.toString(), connectionTimeoutMillis: 10_000 });
  try {
    await admin.connect();
    // Replicas starting together take turns; the one that comes second finds the database there.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', ['swr.create-database']);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!found.rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === DATABASE_EXISTS) return;
    if (code === NOT_ALLOWED) {
      throw new Error(`database ${name} does not exist and role ${role} may not create it: run CREATE DATABASE "${name}" OWNER "${role}"; as an administrator`);
    }
    throw error;
  } finally {
    // Ending the session releases its advisory lock.
    await admin.end().catch(() => undefined);
  }
}

async function migrate(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`swr.migrations.${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`swr.migrations.${schema}`]).catch(() => undefined);
    await runner.release();
  }
}
