import type { PermissionLevel } from '@swr/auth';
import type { OrganizationListing, OrganizationRecord, OrganizationStore } from '@swr/iam-core';
import { RESOURCE_TYPES } from '@swr/contracts';
import { returnedRows } from '@swr/db';
import type { DataSource } from 'typeorm';
import { recordEvent } from './events';
import { forgetRepositories } from './repository-state';

interface ListingRow {
  id: string;
  name: string;
  account_id: string;
  creator_name: string;
  level: number;
  access_user_count: number;
}

interface Viewer {
  readonly accountId: string;
  readonly userId: string;
  readonly isAdmin: boolean;
}

/** Repository names of an organization start with `name/`; `_` and `%` in names must not act as LIKE wildcards. */
const insideOrganization = "replace(replace(o.name, '_', '\\_'), '%', '\\%') || '/%'";

const organizationResource = (name: string, id: string) => ({ type: RESOURCE_TYPES.organization, name, id });

export class PostgresOrganizationStore implements OrganizationStore {
  constructor(private readonly db: DataSource) {}

  create(organization: { name: string; accountId: string; creatorName: string; byPush: boolean }, limit: number): Promise<'created' | 'exists' | 'quota'> {
    return this.db.transaction(async (tx) => {
      // The account's row serialises creations in one account, so two at once cannot both fit under the quota.
      await tx.query('SELECT 1 FROM iam.account WHERE id = $1 FOR UPDATE', [organization.accountId]);
      const taken: unknown[] = await tx.query('SELECT 1 FROM iam.organization WHERE name = $1', [organization.name]);
      if (taken.length) return 'exists';
      const held: Array<{ n: number }> = await tx.query('SELECT count(*)::int AS n FROM iam.organization WHERE account_id = $1', [organization.accountId]);
      if (held[0].n >= limit) return 'quota';
      const created: Array<{ id: string }> = await tx.query(
        'INSERT INTO iam.organization (name, account_id, creator_name) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id',
        [organization.name, organization.accountId, organization.creatorName],
      );
      if (!created.length) return 'exists';
      await recordEvent(tx, 'organization.created', organizationResource(organization.name, created[0].id), {
        organization: organization.name,
        byPush: organization.byPush,
      });
      return 'created';
    });
  }

  async find(name: string): Promise<OrganizationRecord | undefined> {
    const rows: ListingRow[] = await this.db.query('SELECT id, name, account_id, creator_name FROM iam.organization WHERE name = $1', [name]);
    return rows.length ? { id: Number(rows[0].id), name: rows[0].name, accountId: rows[0].account_id, creatorName: rows[0].creator_name } : undefined;
  }

  async listFor(user: Viewer, filter: { name?: string; visible: boolean }): Promise<OrganizationListing[]> {
    const rows: ListingRow[] = await this.db.query(
      `SELECT * FROM (
         SELECT o.id, o.name, o.account_id, o.creator_name,
                CASE WHEN $3 THEN 7 ELSE coalesce(op.level, CASE WHEN $4 THEN (
                  SELECT max(rp.level) FROM iam.repository_permission rp WHERE rp.user_id = $2 AND rp.repository LIKE ${insideOrganization}
                ) END) END AS level,
                (SELECT count(*)::int FROM iam.organization_permission x WHERE x.organization = o.name) AS access_user_count
           FROM iam.organization o
           LEFT JOIN iam.organization_permission op ON op.organization = o.name AND op.user_id = $2
          WHERE o.account_id = $1 AND ($5::text IS NULL OR strpos(o.name, $5) > 0)
       ) listed WHERE level IS NOT NULL ORDER BY name`,
      [user.accountId, user.userId, user.isAdmin, filter.visible, filter.name ?? null],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      accountId: r.account_id,
      creatorName: r.creator_name,
      level: r.level as PermissionLevel,
      accessUserCount: r.access_user_count,
    }));
  }

  remove(name: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await forgetRepositories(tx, { organization: name });
      const gone = await returnedRows<{ id: string }>(tx, 'DELETE FROM iam.organization WHERE name = $1 RETURNING id', [name]);
      if (!gone.length) return false;
      await recordEvent(tx, 'organization.deleted', organizationResource(name, gone[0].id), { organization: name });
      return true;
    });
  }

  async count(accountId: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query('SELECT count(*)::int AS n FROM iam.organization WHERE account_id = $1', [accountId]);
    return rows[0].n;
  }

  async visibleScope(user: Viewer): Promise<{ organizations: string[]; repositories: string[] }> {
    const organizations: Array<{ name: string }> = await this.db.query(
      `SELECT o.name FROM iam.organization o
        WHERE o.account_id = $1 AND ($3 OR EXISTS (SELECT 1 FROM iam.organization_permission op WHERE op.organization = o.name AND op.user_id = $2))`,
      [user.accountId, user.userId, user.isAdmin],
    );
    const repositories: Array<{ repository: string }> = user.isAdmin
      ? []
      : await this.db.query(
          `SELECT rp.repository FROM iam.repository_permission rp
             JOIN iam.organization o ON o.name = split_part(rp.repository, '/', 1) AND o.account_id = $1
            WHERE rp.user_id = $2`,
          [user.accountId, user.userId],
        );
    return { organizations: organizations.map((o) => o.name), repositories: repositories.map((r) => r.repository) };
  }
}
