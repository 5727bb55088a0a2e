import type { RepositoryView } from '@swr/contracts';
import type {
  AccountDay,
  AccountLimits,
  NewRepositoryRecord,
  PullTally,
  RepositoryAttributes,
  RepositoryCatalog,
  RepositoryListQuery,
  TagCopyOutcome,
  TagListQuery,
  TagRecord,
} from '@swr/metadata-core';
import { returnedRows } from '@swr/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { CachedAccess } from './cached-access';
import { recordEvent, repositoryParts, repositoryResource, tagResource } from './events';
import { createRepository, refreshTagCount, toNumber } from './sql';

interface RepositoryRow {
  id: string;
  organization: string;
  name: string;
  account_id: string | null;
  is_public: boolean;
  category: string;
  description: string;
  creator_id: string;
  creator_name: string;
  size: string;
  tag_count: number;
  downloads: string;
  created_at: Date;
  updated_at: Date;
}

interface TagRow {
  id: string;
  repository_id: string;
  name: string;
  digest: string;
  media_type: string;
  content: Buffer;
  total_size: string;
  created_at: Date;
  updated_at: Date;
  total?: string;
}

const REPOSITORY_COLUMNS = `r.id, o.name AS organization, r.name, o.account_id, r.is_public, r.category, r.description,
  r.creator_id, r.creator_name, r.size, r.tag_count, r.downloads, r.created_at, r.updated_at`;
const FROM_REPOSITORY = 'metadata.repository r JOIN metadata.organization o ON o.id = r.organization_id';

/** Sort keys the API names, as columns: a fixed table, never text from the request. */
const REPOSITORY_ORDER: Record<NonNullable<RepositoryListQuery['orderColumn']>, string> = {
  updated_time: 'r.updated_at',
  updated_at: 'r.updated_at',
  name: 'r.name',
  tag_count: 'r.tag_count',
  namespace: 'o.name',
  is_public: 'r.is_public',
};
const TAG_ORDER: Record<NonNullable<TagListQuery['orderColumn']>, string> = { updated_at: 't.updated_at', tag: 't.name' };

/** `%text%` for LIKE, with LIKE's own wildcards in the text taken literally. */
const containing = (text: string | undefined) => (text === undefined || text === '' ? null : `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);

/**
 * The WHERE clause of a repository list and its parameters. The name filter is repeated on the
 * full name (a necessary condition), which the trigram index can serve.
 */
function listFilter(query: RepositoryListQuery): { where: string; parameters: unknown[] } {
  const name = containing(query.name);
  return {
    where: `(r.organization_id = ANY(ARRAY(SELECT v.id FROM metadata.organization v WHERE v.name = ANY($1::text[]) AND v.account_id = $2)) OR r.name = ANY($3::text[]))
        AND ($4::text IS NULL OR o.name LIKE $4)
        AND ($5::text IS NULL OR (r.name LIKE $5 AND substr(r.name, length(o.name) + 2) LIKE $5))
        AND ($6::text IS NULL OR r.category = $6)
        AND ($7::boolean IS NULL OR r.is_public = $7)`,
    parameters: [query.organizations, query.accountId ?? null, query.repositories, containing(query.namespace), name, query.category ?? null, query.isPublic ?? null],
  };
}

function repositoryView(row: RepositoryRow): RepositoryView {
  return {
    id: toNumber(row.id),
    organization: row.organization,
    name: row.name,
    accountId: row.account_id ?? '',
    isPublic: row.is_public,
    category: row.category,
    description: row.description,
    creatorId: row.creator_id,
    creatorName: row.creator_name,
    size: toNumber(row.size),
    tagCount: row.tag_count,
    downloads: toNumber(row.downloads),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function tagRecord(row: TagRow): TagRecord {
  return {
    id: toNumber(row.id),
    repositoryId: toNumber(row.repository_id),
    tag: row.name,
    digest: row.digest,
    mediaType: row.media_type,
    content: row.content,
    size: toNumber(row.total_size),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const TAG_COLUMNS = 't.id, t.repository_id, t.name, m.digest, m.media_type, m.content, m.total_size, t.created_at, t.updated_at';

export class PostgresRepositoryCatalog implements RepositoryCatalog {
  private readonly db: DataSource;

  constructor(
    private readonly access: CachedAccess,
    private readonly limits: AccountLimits,
  ) {
    this.db = access.db;
  }

  async create(repository: NewRepositoryRecord): Promise<RepositoryView | undefined> {
    const id = await this.db.transaction((tx) =>
      createRepository(
        tx,
        {
          name: repository.name,
          account: repository.accountId,
          isPublic: repository.isPublic,
          category: repository.category,
          description: repository.description,
          creatorId: repository.creatorId,
          creatorName: repository.creatorName,
        },
        this.limits,
      ),
    );
    return id === undefined ? undefined : this.get(repository.name.name);
  }

  async update(name: string, attributes: RepositoryAttributes): Promise<RepositoryView | undefined> {
    const updated = await this.db.transaction(async (tx) => {
      const rows = await returnedRows<{ id: string; is_public: boolean; category: string; description: string }>(
        tx,
        `UPDATE metadata.repository SET is_public = $2, category = coalesce($3, category), description = coalesce($4, description), updated_at = now()
          WHERE name = $1 RETURNING id, is_public, category, description`,
        [name, attributes.isPublic, attributes.category ?? null, attributes.description ?? null],
      );
      if (!rows.length) return false;
      const row = rows[0];
      await recordEvent(tx, 'repository.updated', repositoryResource(name, row.id), {
        ...repositoryParts(name),
        isPublic: row.is_public,
        category: row.category,
        description: row.description,
      });
      return true;
    });
    return updated ? this.get(name) : undefined;
  }

  async get(name: string): Promise<RepositoryView | undefined> {
    const rows: RepositoryRow[] = await this.db.query(`SELECT ${REPOSITORY_COLUMNS} FROM ${FROM_REPOSITORY} WHERE r.name = $1`, [name]);
    return rows.length ? repositoryView(rows[0]) : undefined;
  }

  /**
   * Tags, manifests, links and sessions go with the repository (cascade); the owner gets its quota
   * back. The sessions' stored parts are left to garbage collection, as are the blobs.
   */
  delete(name: string): Promise<boolean> {
    return this.access.write(name, async (tx) => {
      await tx.query(
        'INSERT INTO metadata.gc_upload_leftover (id) SELECT u.id FROM metadata.upload u JOIN metadata.repository r ON r.id = u.repository_id WHERE r.name = $1 ON CONFLICT DO NOTHING',
        [name],
      );
      const gone: Array<{ id: string; size: string; account_id: string | null }> = await tx.query(
        `WITH gone AS (DELETE FROM metadata.repository r WHERE r.name = $1 RETURNING r.id, r.organization_id, r.size)
         SELECT gone.id, gone.size, o.account_id FROM gone JOIN metadata.organization o ON o.id = gone.organization_id`,
        [name],
      );
      if (!gone.length) return false;
      await recordEvent(tx, 'repository.deleted', repositoryResource(name, gone[0].id), repositoryParts(name));
      if (gone[0].account_id !== null) {
        await tx.query(
          'UPDATE metadata.account_usage SET repositories = greatest(repositories - 1, 0), bytes = greatest(bytes - $2, 0) WHERE account_id = $1',
          [gone[0].account_id, toNumber(gone[0].size)],
        );
      }
      return true;
    });
  }

  /**
   * One page, then (only when the page does not tell it) the total. Visibility is matched on
   * organization ids, so the page can walk an index in the requested order and stop at `limit`.
   */
  async list(query: RepositoryListQuery): Promise<{ total: number; repositories: Array<RepositoryView & { tags?: string[] }> }> {
    const direction = query.orderType === 'asc' ? 'ASC' : 'DESC';
    const { where, parameters } = listFilter(query);
    const rows: RepositoryRow[] = await this.db.query(
      `SELECT ${REPOSITORY_COLUMNS} FROM ${FROM_REPOSITORY} WHERE ${where}
        ORDER BY ${REPOSITORY_ORDER[query.orderColumn ?? 'updated_at']} ${direction}, r.id ${direction}
        LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, query.limit, query.offset],
    );
    const pageTellsTotal = rows.length < query.limit && (rows.length > 0 || query.offset === 0);
    const total = pageTellsTotal
      ? query.offset + rows.length
      : toNumber(((await this.db.query(`SELECT count(*) AS total FROM ${FROM_REPOSITORY} WHERE ${where}`, parameters)) as Array<{ total: string }>)[0].total);
    const repositories: Array<RepositoryView & { tags?: string[] }> = rows.map(repositoryView);
    if (query.withTags && rows.length) {
      const tagRows: Array<{ repository_id: string; tags: string[] }> = await this.db.query(
        'SELECT repository_id, array_agg(name ORDER BY name) AS tags FROM metadata.tag WHERE repository_id = ANY($1::bigint[]) GROUP BY repository_id',
        [rows.map((r) => r.id)],
      );
      const byId = new Map(tagRows.map((t) => [toNumber(t.repository_id), t.tags]));
      for (const repository of repositories) repository.tags = byId.get(repository.id) ?? [];
    }
    return { total, repositories };
  }

  async organizationCounts(organizations: readonly string[]): Promise<Record<string, number>> {
    const rows: Array<{ name: string; count: string }> = await this.db.query(
      `SELECT o.name, (SELECT count(*) FROM metadata.repository r WHERE r.organization_id = o.id) AS count
         FROM metadata.organization o WHERE o.name = ANY($1::text[])`,
      [organizations],
    );
    return Object.fromEntries(rows.map((r) => [r.name, toNumber(r.count)]));
  }

  /** The organization's row is locked first: a push creating a repository in it waits, then finds it gone and recreates it. */
  removeOrganization(organization: string): Promise<'removed' | 'absent' | 'not-empty'> {
    return this.db.transaction(async (tx) => {
      const rows: Array<{ id: string }> = await tx.query('SELECT id FROM metadata.organization WHERE name = $1 FOR UPDATE', [organization]);
      if (!rows.length) return 'absent';
      const held: unknown[] = await tx.query('SELECT 1 FROM metadata.repository WHERE organization_id = $1 LIMIT 1', [rows[0].id]);
      if (held.length) return 'not-empty';
      await tx.query('DELETE FROM metadata.organization WHERE id = $1', [rows[0].id]);
      return 'removed';
    });
  }

  async listTags(repository: string, query: TagListQuery): Promise<{ total: number; tags: TagRecord[] } | undefined> {
    const repositoryId = await this.repositoryId(this.db.manager, repository);
    if (repositoryId === undefined) return undefined;
    const direction = query.orderType === 'asc' ? 'ASC' : 'DESC';
    const rows: TagRow[] = await this.db.query(
      `SELECT ${TAG_COLUMNS}, count(*) OVER () AS total
         FROM metadata.tag t JOIN metadata.manifest m ON m.id = t.manifest_id
        WHERE t.repository_id = $1 AND ($2::text IS NULL OR t.name LIKE $2) AND ($5::text IS NULL OR m.digest = $5)
        ORDER BY ${TAG_ORDER[query.orderColumn ?? 'updated_at']} ${direction}, t.name ${direction}
        LIMIT $3 OFFSET $4`,
      [repositoryId, containing(query.tag), query.limit, query.offset, query.digest ?? null],
    );
    let total = rows.length ? toNumber(rows[0].total ?? 0) : 0;
    if (!rows.length && query.offset > 0) {
      const counted: Array<{ count: string }> = await this.db.query(
        `SELECT count(*) AS count FROM metadata.tag t JOIN metadata.manifest m ON m.id = t.manifest_id
          WHERE t.repository_id = $1 AND ($2::text IS NULL OR t.name LIKE $2) AND ($3::text IS NULL OR m.digest = $3)`,
        [repositoryId, containing(query.tag), query.digest ?? null],
      );
      total = toNumber(counted[0].count);
    }
    return { total, tags: rows.map(tagRecord) };
  }

  async getTag(repository: string, tag: string): Promise<TagRecord | 'no-repository' | 'no-tag'> {
    const repositoryId = await this.repositoryId(this.db.manager, repository);
    if (repositoryId === undefined) return 'no-repository';
    const rows: TagRow[] = await this.db.query(
      `SELECT ${TAG_COLUMNS} FROM metadata.tag t JOIN metadata.manifest m ON m.id = t.manifest_id WHERE t.repository_id = $1 AND t.name = $2`,
      [repositoryId, tag],
    );
    return rows.length ? tagRecord(rows[0]) : 'no-tag';
  }

  copyTag(repository: string, source: string, destination: string, override: boolean): Promise<TagCopyOutcome> {
    return this.access.write(repository, async (tx) => {
      const repositoryId = await this.repositoryId(tx, repository);
      if (repositoryId === undefined) return 'no-repository';
      const manifests: Array<{ id: string; digest: string }> = await tx.query(
        source.includes(':')
          ? 'SELECT id, digest FROM metadata.manifest WHERE repository_id = $1 AND digest = $2 FOR SHARE'
          : 'SELECT m.id, m.digest FROM metadata.tag t JOIN metadata.manifest m ON m.id = t.manifest_id WHERE t.repository_id = $1 AND t.name = $2 FOR SHARE OF t',
        [repositoryId, source],
      );
      if (!manifests.length) return 'no-source';
      const written: unknown[] = await tx.query(
        `INSERT INTO metadata.tag (repository_id, name, manifest_id) VALUES ($1, $2, $3)
         ON CONFLICT (repository_id, name) DO UPDATE SET manifest_id = EXCLUDED.manifest_id, updated_at = now() WHERE $4
         RETURNING 1`,
        [repositoryId, destination, manifests[0].id, override],
      );
      if (!written.length) return 'exists';
      await refreshTagCount(tx, repositoryId);
      await recordEvent(tx, 'tag.created', tagResource(repository, destination), { ...repositoryParts(repository), tag: destination, digest: manifests[0].digest });
      return 'copied';
    });
  }

  async tagsWithDigests(repository: string): Promise<Array<{ tag: string; digest: string; pushedAt: Date }> | undefined> {
    const repositoryId = await this.repositoryId(this.db.manager, repository);
    if (repositoryId === undefined) return undefined;
    const rows: Array<{ name: string; digest: string; updated_at: Date }> = await this.db.query(
      'SELECT t.name, m.digest, t.updated_at FROM metadata.tag t JOIN metadata.manifest m ON m.id = t.manifest_id WHERE t.repository_id = $1',
      [repositoryId],
    );
    return rows.map((r) => ({ tag: r.name, digest: r.digest, pushedAt: r.updated_at }));
  }

  deleteTagsAt(repository: string, tags: ReadonlyArray<{ tag: string; digest: string }>): Promise<string[]> {
    return this.access.write(repository, async (tx) => {
      const repositoryId = await this.repositoryId(tx, repository);
      if (repositoryId === undefined || !tags.length) return [];
      const gone = await returnedRows<{ name: string; digest: string }>(
        tx,
        `DELETE FROM metadata.tag t USING metadata.manifest m, unnest($2::text[], $3::text[]) AS w(name, digest)
          WHERE t.repository_id = $1 AND t.name = w.name AND m.id = t.manifest_id AND m.digest = w.digest
          RETURNING t.name, m.digest`,
        [repositoryId, tags.map((t) => t.tag), tags.map((t) => t.digest)],
      );
      if (!gone.length) return [];
      for (const { name, digest } of gone) {
        await recordEvent(tx, 'tag.deleted', tagResource(repository, name), { ...repositoryParts(repository), tag: name, digest });
      }
      // Last: the repository's row stays locked from here to the commit, and pushes into the repository update it too.
      await refreshTagCount(tx, repositoryId);
      return gone.map((g) => g.name);
    });
  }

  deleteTag(repository: string, tag: string): Promise<'deleted' | 'no-repository' | 'no-tag'> {
    return this.access.write(repository, async (tx) => {
      const repositoryId = await this.repositoryId(tx, repository);
      if (repositoryId === undefined) return 'no-repository';
      const gone: Array<{ digest: string }> = await tx.query(
        `WITH gone AS (DELETE FROM metadata.tag WHERE repository_id = $1 AND name = $2 RETURNING manifest_id)
         SELECT m.digest FROM gone JOIN metadata.manifest m ON m.id = gone.manifest_id`,
        [repositoryId, tag],
      );
      if (!gone.length) return 'no-tag';
      await refreshTagCount(tx, repositoryId);
      await recordEvent(tx, 'tag.deleted', tagResource(repository, tag), { ...repositoryParts(repository), tag, digest: gone[0].digest });
      return 'deleted';
    });
  }

  /**
   * Adds a batch of counted pulls to the repositories and the bytes served to the owning accounts'
   * day, once per batch id: a gateway sends a batch again when it did not hear back. One
   * `repository.pulled` event per repository and batch: pulls are counted, not evented one by one.
   */
  async recordDownloads(batchId: string, counts: ReadonlyArray<PullTally>): Promise<void> {
    if (!counts.length) return;
    await this.db.transaction(async (tx) => {
      const first = await returnedRows(tx, 'INSERT INTO metadata.pull_batch (id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1', [batchId]);
      if (!first.length) return;
      // A gateway retries within seconds; a day of ids is ample.
      await tx.query("DELETE FROM metadata.pull_batch WHERE recorded_at < now() - interval '1 day'");
      const counted = await returnedRows<{ id: string; name: string; count: string; bytes: string; account_id: string | null }>(
        tx,
        `UPDATE metadata.repository r SET downloads = r.downloads + c.count
           FROM (SELECT name, sum(count) AS count, sum(bytes) AS bytes FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(name, count, bytes) GROUP BY name) c
          WHERE r.name = c.name
          RETURNING r.id, r.name, c.count, c.bytes, (SELECT o.account_id FROM metadata.organization o WHERE o.id = r.organization_id)`,
        [counts.map((c) => c.repository), counts.map((c) => c.count), counts.map((c) => c.bytes)],
      );
      const owned = counted.filter((row) => row.account_id !== null && toNumber(row.bytes) > 0);
      if (owned.length) {
        await tx.query(
          `INSERT INTO metadata.account_day (account_id, day, egress_bytes)
           SELECT account_id, (now() AT TIME ZONE 'UTC')::date, sum(bytes) FROM unnest($1::text[], $2::bigint[]) AS u(account_id, bytes) GROUP BY account_id
           ON CONFLICT (account_id, day) DO UPDATE SET egress_bytes = metadata.account_day.egress_bytes + EXCLUDED.egress_bytes`,
          [owned.map((row) => row.account_id), owned.map((row) => row.bytes)],
        );
      }
      for (const row of counted.filter((r) => toNumber(r.count) > 0)) {
        // Counted pulls have no one caller: they belong in the owning account's trail.
        const resource = { ...repositoryResource(row.name, row.id), ...(row.account_id ? { accountId: row.account_id } : {}) };
        await recordEvent(tx, 'repository.pulled', resource, { ...repositoryParts(row.name), count: toNumber(row.count) });
      }
    });
  }

  /** A day with no change of stored bytes carries the last value before it forward. */
  async accountDays(accountId: string, days: number): Promise<AccountDay[]> {
    const rows: Array<{ date: string; stored: string; egress: string }> = await this.db.query(
      `WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d)
       SELECT to_char(g.day, 'YYYY-MM-DD') AS date,
              coalesce((SELECT a.stored_bytes FROM metadata.account_day a
                         WHERE a.account_id = $1 AND a.day <= g.day AND a.stored_bytes IS NOT NULL ORDER BY a.day DESC LIMIT 1), 0) AS stored,
              coalesce((SELECT a.egress_bytes FROM metadata.account_day a WHERE a.account_id = $1 AND a.day = g.day), 0) AS egress
         FROM today, generate_series(today.d - ($2::int - 1), today.d, interval '1 day') AS g(day)
        ORDER BY g.day`,
      [accountId, days],
    );
    return rows.map((row) => ({ date: row.date, storedBytes: toNumber(row.stored), egressBytes: toNumber(row.egress) }));
  }

  async usage(accountId: string): Promise<{ repositories: number; bytes: number; tags: number; downloads: number }> {
    const rows: Array<{ repositories: string | null; bytes: string | null; tags: string; downloads: string }> = await this.db.query(
      `SELECT a.repositories, a.bytes,
              (SELECT coalesce(sum(r.tag_count), 0) FROM ${FROM_REPOSITORY} WHERE o.account_id = $1) AS tags,
              (SELECT coalesce(sum(r.downloads), 0) FROM ${FROM_REPOSITORY} WHERE o.account_id = $1) AS downloads
         FROM (SELECT 1) one LEFT JOIN metadata.account_usage a ON a.account_id = $1`,
      [accountId],
    );
    const row = rows[0];
    return { repositories: toNumber(row.repositories ?? 0), bytes: toNumber(row.bytes ?? 0), tags: toNumber(row.tags), downloads: toNumber(row.downloads) };
  }

  private async repositoryId(db: EntityManager, name: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await db.query('SELECT id FROM metadata.repository WHERE name = $1', [name]);
    return rows[0]?.id;
  }
}
