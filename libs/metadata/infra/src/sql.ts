import { AccountLimits, MetadataError } from '@swr/metadata-core';
import type { RepositoryName } from '@swr/oci';
import { returnedRows } from '@swr/db';
import type { EntityManager } from 'typeorm';
import { eventEntry, METADATA_OUTBOX, repositoryParts, repositoryResource } from './events';

/** pg returns bigint as text; our sizes and offsets stay far below 2^53. */
export const toNumber = (value: string | number): number => (typeof value === 'number' ? value : Number(value));

export interface NewRepository {
  readonly name: RepositoryName;
  /** The account a new organization becomes; an existing organization keeps its owner. */
  readonly account?: string;
  readonly isPublic?: boolean;
  readonly category?: string;
  readonly description?: string;
  readonly creatorId?: string;
  readonly creatorName?: string;
  /** Created by a first push rather than through the management API. */
  readonly byPush?: boolean;
}

/**
 * A repository's creation (and its organization's on first use), charged to the owning account's
 * repository quota, as CTEs of one statement: `organization`, `created` (the new repository's id;
 * none when it exists already) and `charged` (the account's count, within its limit; a missing
 * usage row is inserted). Parameters from `$first`: see creationValues. Select CREATION_GUARD with
 * them: a repository created but not charged aborts the statement (UNCHARGED), so that neither it
 * nor its event is ever kept.
 */
export const creationSteps = (first: number): string => {
  const [organization, account, name, isPublic, category, description, creatorId, creatorName, limit, eventId, subject, payload] = Array.from(
    { length: 12 },
    (_, i) => `$${first + i}`,
  );
  return `
  organization AS (
    INSERT INTO metadata.organization (name, account_id) VALUES (${organization}::text, ${account}::text)
    ON CONFLICT (name) DO UPDATE SET account_id = coalesce(metadata.organization.account_id, EXCLUDED.account_id)
    RETURNING id, account_id
  ),
  created AS (
    INSERT INTO metadata.repository (organization_id, name, is_public, category, description, creator_id, creator_name)
    SELECT id, ${name}::text, ${isPublic}::boolean, ${category}::text, ${description}::text, ${creatorId}::text, ${creatorName}::text FROM organization
    ON CONFLICT (name) DO NOTHING RETURNING id
  ),
  charged AS (
    INSERT INTO metadata.account_usage AS a (account_id, repositories)
    SELECT o.account_id, 1 FROM organization o, created WHERE o.account_id IS NOT NULL AND (${limit}::integer < 0 OR ${limit}::integer >= 1)
    ON CONFLICT (account_id) DO UPDATE SET repositories = a.repositories + 1 WHERE ${limit}::integer < 0 OR a.repositories + 1 <= ${limit}::integer
    RETURNING 1
  ),
  announced AS (
    INSERT INTO ${METADATA_OUTBOX} (id, subject, payload)
    SELECT ${eventId}::uuid, ${subject}::text, jsonb_set(${payload}::jsonb, '{resource,id}', to_jsonb(created.id::text))::text FROM created
  )`;
};

/** The values of creationSteps' parameters; the event's resource gets the new repository's id in the statement. */
export function creationValues(repository: NewRepository, limits: AccountLimits): unknown[] {
  const { name } = repository;
  const created = {
    ...repositoryParts(name.name),
    isPublic: repository.isPublic ?? false,
    category: repository.category ?? 'other',
    description: repository.description ?? '',
    byPush: repository.byPush ?? false,
  };
  const event = eventEntry('repository.created', repositoryResource(name.name), created);
  const attributes = [created.isPublic, created.category, created.description, repository.creatorId ?? '', repository.creatorName ?? ''];
  return [name.organization, repository.account ?? null, name.name, ...attributes, limits.repositories, ...event];
}

/** Selected with creationSteps: see there. */
export const CREATION_GUARD =
  'CASE WHEN EXISTS (SELECT 1 FROM created) AND (SELECT account_id FROM organization) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM charged) THEN metadata.abort_uncharged() END';

/**
 * Creates a repository (and its organization on first use) within the owning account's repository
 * quota, in one statement (see creationSteps); undefined when it already exists.
 */
export async function createRepository(db: EntityManager, repository: NewRepository, limits: AccountLimits): Promise<string | undefined> {
  try {
    const rows: Array<{ id: string | null }> = await db.query(`WITH ${creationSteps(1)} SELECT (SELECT id FROM created) AS id, ${CREATION_GUARD} AS guard`, creationValues(repository, limits));
    return rows[0].id ?? undefined;
  } catch (error) {
    throw asRepositoryQuotaRefusal(error, limits);
  }
}

/** A creation aborted by CREATION_GUARD is refused for the repository quota (the usage row is inserted when missing, so no room is the only reason); anything else stays as it was. */
export function asRepositoryQuotaRefusal(error: unknown, limits: AccountLimits): unknown {
  if ((error as { code?: unknown }).code !== UNCHARGED) return error;
  return new MetadataError('META_QUOTA_EXCEEDED', `the account's repository quota (${limits.repositories}) is used up`);
}

/** The repository's id, creating it on first push. */
export async function ensureRepository(db: EntityManager, name: RepositoryName, account: string | undefined, limits: AccountLimits): Promise<string> {
  const existing: Array<{ id: string }> = await db.query('SELECT id FROM metadata.repository WHERE name = $1', [name.name]);
  if (existing.length) return existing[0].id;
  const created = await createRepository(db, { name, account, byPush: true }, limits);
  if (created !== undefined) return created;
  const raced: Array<{ id: string }> = await db.query('SELECT id FROM metadata.repository WHERE name = $1', [name.name]);
  return raced[0].id;
}

/**
 * Adds `bytes` to the account's stored bytes unless that would pass its storage limit (negative:
 * none). The check and the charge are one conditional update of the account's row, so concurrent
 * writers cannot both slip under the limit.
 */
async function chargeBytes(db: EntityManager, account: string, bytes: number, limits: AccountLimits): Promise<void> {
  await db.query('INSERT INTO metadata.account_usage (account_id) VALUES ($1) ON CONFLICT DO NOTHING', [account]);
  const charged = await returnedRows(
    db,
    'UPDATE metadata.account_usage SET bytes = bytes + $2 WHERE account_id = $1 AND ($3 < 0 OR bytes + $2 <= $3) RETURNING 1',
    [account, bytes, limits.bytes],
  );
  if (!charged.length) throw new MetadataError('META_QUOTA_EXCEEDED', `the account's storage quota (${limits.bytes} bytes) would be exceeded`);
}

/**
 * The steps of linking blob $1 (of $2 bytes) into the repository that `source` (a CTE with a
 * repository_id column) names, as CTEs of one statement: `linked` (a link that did not exist),
 * `sized` (its repository grown, returning the owning account) and `charged` (the account's bytes,
 * within the storage limit $3, negative for none). Select LINK_OUTCOME and settle it with
 * settleCharge. One statement rather than four round trips: a small-layer push pays per statement.
 */
export const linkSteps = (source: string): string => `
  linked AS (
    INSERT INTO metadata.repository_blob (repository_id, digest) SELECT repository_id, $1::text FROM ${source} ON CONFLICT DO NOTHING RETURNING repository_id
  ),
  sized AS (
    UPDATE metadata.repository r SET size = r.size + $2::bigint FROM linked, metadata.organization o
     WHERE r.id = linked.repository_id AND o.id = r.organization_id RETURNING o.account_id
  ),
  charged AS (
    UPDATE metadata.account_usage a SET bytes = a.bytes + $2::bigint FROM sized
     WHERE a.account_id = sized.account_id AND ($3::bigint < 0 OR a.bytes + $2::bigint <= $3::bigint) RETURNING 1
  )`;

export const LINK_OUTCOME = '(SELECT account_id FROM sized) AS owner, EXISTS (SELECT 1 FROM charged) AS charged';

/** The SQLSTATE of `metadata.abort_uncharged()`. */
export const UNCHARGED = 'SWR01';

/**
 * Selected after linkSteps in place of LINK_OUTCOME by a statement run without a transaction of
 * its own: a link it could not charge aborts the whole statement (UNCHARGED), so that it can
 * be run again in a transaction that settles the charge.
 */
export const ABORT_IF_UNCHARGED = 'CASE WHEN (SELECT account_id FROM sized) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM charged) THEN metadata.abort_uncharged() END';

export interface LinkOutcome {
  /** The account charged for a new link; null when the link existed or the organization has no owner. */
  readonly owner: string | null;
  readonly charged: boolean;
}

/**
 * Finishes a link's charge inside the same transaction: an owner not charged has either no usage
 * row yet or no room left, which the conditional charge tells apart (and refuses the second).
 */
export async function settleCharge(db: EntityManager, outcome: LinkOutcome, size: number, limits: AccountLimits): Promise<void> {
  if (outcome.owner === null || outcome.charged) return;
  await chargeBytes(db, outcome.owner, size, limits);
}

/** Links a blob into a repository and charges its bytes to the owning account, refusing what would go over the storage quota. */
export async function linkBlob(db: EntityManager, repositoryId: string, digest: string, size: number, limits: AccountLimits): Promise<void> {
  const outcomes: LinkOutcome[] = await db.query(`WITH target AS (SELECT $4::bigint AS repository_id), ${linkSteps('target')} SELECT ${LINK_OUTCOME}`, [
    digest,
    size,
    limits.bytes,
    repositoryId,
  ]);
  await settleCharge(db, outcomes[0], size, limits);
}

/** Returns a removed link's bytes to the owning account. */
export async function creditUnlinked(db: EntityManager, repositoryId: string, size: number): Promise<void> {
  await db.query(
    `WITH repo AS (
       UPDATE metadata.repository r SET size = greatest(r.size - $2, 0) FROM metadata.organization o
        WHERE r.id = $1 AND o.id = r.organization_id RETURNING o.account_id
     )
     UPDATE metadata.account_usage a SET bytes = greatest(a.bytes - $2, 0) FROM repo WHERE a.account_id = repo.account_id`,
    [repositoryId, size],
  );
}

/** Recounts a repository's tags after they changed, and marks it updated. */
export async function refreshTagCount(db: EntityManager, repositoryId: string): Promise<void> {
  await db.query('UPDATE metadata.repository SET tag_count = (SELECT count(*) FROM metadata.tag WHERE repository_id = $1), updated_at = now() WHERE id = $1', [
    repositoryId,
  ]);
}
