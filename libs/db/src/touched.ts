/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs an INSERT, UPDATE or DELETE and says whether it touched any row. (TypeORM answers UPDATE and
 * DELETE with `[rows, count]` but INSERT with rows; wrapping the statement in a CTE gives rows for all.)
 */
export async function touchedRows(db: Queryable, statement: string, parameters: unknown[]): Promise<boolean> {
  return (await returnedRows(db, `${statement} RETURNING 1`, parameters)).length > 0;
}

/** The rows an INSERT, UPDATE or DELETE with a RETURNING clause returned, whatever the statement. */
export async function returnedRows<T>(db: Queryable, statement: string, parameters: unknown[]): Promise<T[]> {
  return (await db.query(`WITH returned AS (${statement}) SELECT * FROM returned`, parameters)) as T[];
}
