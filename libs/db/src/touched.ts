/** Anything that runs SQL: a DataSource, or the EntityManager of a transaction. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Runs an INSERT, UPDATE or DELETE and says whether it touched any row. (TypeORM answers UPDATE and
 * DELETE with `[rows, count]` but INSERT with rows; wrapping the statement in a CTE gives rows for all.)
 */
export async function touchedRows(db: Queryable, statement: string, parameters: unknown[]): Promise<boolean> {
  const rows = (await db.query(`WITH touched AS (${statement} RETURNING 1) SELECT 1 FROM touched`, parameters)) as unknown[];
  return rows.length > 0;
}
