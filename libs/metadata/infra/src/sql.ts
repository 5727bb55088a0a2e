import type { RepositoryName } from '@swr/oci';
import type { EntityManager } from 'typeorm';

/** pg returns bigint as text; our sizes and offsets stay far below 2^53. */
export const toNumber = (value: string | number): number => (typeof value === 'number' ? value : Number(value));

/** The repository's id, creating it (and its organization) on first use. */
export async function ensureRepository(db: EntityManager, name: RepositoryName): Promise<string> {
  const existing: Array<{ id: string }> = await db.query('SELECT id FROM metadata.repository WHERE name = $1', [name.name]);
  if (existing.length) return existing[0].id;
  const created: Array<{ id: string }> = await db.query(
    `WITH org AS (
       INSERT INTO metadata.organization (name) VALUES ($1)
       ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
       RETURNING id
     )
     INSERT INTO metadata.repository (organization_id, name) SELECT id, $2 FROM org
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
     RETURNING id`,
    [name.organization, name.name],
  );
  return created[0].id;
}
