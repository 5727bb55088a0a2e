import type { PermissionLevel, RepositoryAccessFacts } from '@swr/auth';
import type { AccessGraph, Grant, GrantScope } from '@swr/iam-core';
import { RESOURCE_TYPES } from '@swr/contracts';
import type { DataSource } from 'typeorm';
import { recordEvent } from './events';
import { forgetRepositories } from './repository-state';

interface FactsRow {
  owner: string | null;
  is_public: boolean;
  organization_level: number | null;
  repository_level: number | null;
  shared: boolean;
}

export class PostgresAccessGraph implements AccessGraph {
  constructor(private readonly db: DataSource) {}

  async facts(repository: { organization: string; name: string }, caller?: { accountId: string; userId: string }): Promise<RepositoryAccessFacts> {
    return (await this.factsOfMany([repository.name], caller))[0];
  }

  /** One round trip gathers every fact the decision needs, for every repository asked about. */
  async factsOfMany(repositories: readonly string[], caller?: { accountId: string; userId: string }): Promise<RepositoryAccessFacts[]> {
    const rows: FactsRow[] = await this.db.query(
      `SELECT o.account_id AS owner,
              EXISTS (SELECT 1 FROM iam.public_repository p WHERE p.repository = r.name) AS is_public,
              (SELECT level FROM iam.organization_permission WHERE organization = split_part(r.name, '/', 1) AND user_id = $2) AS organization_level,
              (SELECT level FROM iam.repository_permission WHERE repository = r.name AND user_id = $2) AS repository_level,
              EXISTS (SELECT 1 FROM iam.share s WHERE s.repository = r.name AND s.account_id = $3 AND (s.ends_at IS NULL OR s.ends_at > now())) AS shared
         FROM unnest($1::text[]) WITH ORDINALITY AS r(name, position)
         LEFT JOIN iam.organization o ON o.name = split_part(r.name, '/', 1)
        ORDER BY r.position`,
      [repositories, caller?.userId ?? null, caller?.accountId ?? null],
    );
    return rows.map((row) => ({
      organizationOwner: row.owner ?? undefined,
      isPublic: row.is_public,
      organizationLevel: (row.organization_level ?? undefined) as PermissionLevel | undefined,
      repositoryLevel: (row.repository_level ?? undefined) as PermissionLevel | undefined,
      sharedWithCaller: row.shared,
    }));
  }

  async organization(organization: string): Promise<{ id: number; accountId: string } | undefined> {
    const rows: Array<{ id: string; account_id: string }> = await this.db.query('SELECT id, account_id FROM iam.organization WHERE name = $1', [organization]);
    return rows[0] && { id: Number(rows[0].id), accountId: rows[0].account_id };
  }

  async grantLevel(scope: GrantScope, userId: string): Promise<PermissionLevel | undefined> {
    const rows: Array<{ level: number }> = await this.db.query(`SELECT level FROM ${table(scope)} WHERE ${column(scope)} = $1 AND user_id = $2`, [scope.name, userId]);
    return rows[0]?.level as PermissionLevel | undefined;
  }

  async listGrants(scope: GrantScope): Promise<Grant[]> {
    const rows: Array<{ user_id: string; level: number }> = await this.db.query(`SELECT user_id, level FROM ${table(scope)} WHERE ${column(scope)} = $1 ORDER BY user_id`, [scope.name]);
    return rows.map((r) => ({ userId: r.user_id, level: r.level as PermissionLevel }));
  }

  async addGrants(scope: GrantScope, grants: readonly Grant[]): Promise<string[] | undefined> {
    return this.db.transaction(async (tx) => {
      const existing: Array<{ user_id: string }> = await tx.query(`SELECT user_id FROM ${table(scope)} WHERE ${column(scope)} = $1 AND user_id = ANY($2::uuid[]) FOR UPDATE`, [
        scope.name,
        grants.map((g) => g.userId),
      ]);
      if (existing.length) return existing.map((r) => r.user_id);
      for (const grant of grants) await tx.query(`INSERT INTO ${table(scope)} (${column(scope)}, user_id, level) VALUES ($1, $2, $3)`, [scope.name, grant.userId, grant.level]);
      await recordEvent(tx, 'permission.granted', grantResource(scope), { scope: grantScopeData(scope), grants: [...grants] });
      return undefined;
    });
  }

  async changeGrants(scope: GrantScope, grants: readonly Grant[]): Promise<string[] | undefined> {
    return this.db.transaction(async (tx) => {
      const existing: Array<{ user_id: string }> = await tx.query(`SELECT user_id FROM ${table(scope)} WHERE ${column(scope)} = $1 AND user_id = ANY($2::uuid[]) FOR UPDATE`, [
        scope.name,
        grants.map((g) => g.userId),
      ]);
      const present = new Set(existing.map((r) => r.user_id));
      const missing = grants.filter((g) => !present.has(g.userId)).map((g) => g.userId);
      if (missing.length) return missing;
      for (const grant of grants) await tx.query(`UPDATE ${table(scope)} SET level = $3 WHERE ${column(scope)} = $1 AND user_id = $2`, [scope.name, grant.userId, grant.level]);
      await recordEvent(tx, 'permission.changed', grantResource(scope), { scope: grantScopeData(scope), grants: [...grants] });
      return undefined;
    });
  }

  async removeGrants(scope: GrantScope, userIds: readonly string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM ${table(scope)} WHERE ${column(scope)} = $1 AND user_id::text = ANY($2::text[])`, [scope.name, userIds]);
      await recordEvent(tx, 'permission.revoked', grantResource(scope), { scope: grantScopeData(scope), userIds: [...userIds] });
    });
  }

  async setPublic(repository: string, isPublic: boolean): Promise<void> {
    await this.db.query(
      isPublic ? 'INSERT INTO iam.public_repository (repository) VALUES ($1) ON CONFLICT DO NOTHING' : 'DELETE FROM iam.public_repository WHERE repository = $1',
      [repository],
    );
  }

  async isPublic(repository: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query('SELECT 1 FROM iam.public_repository WHERE repository = $1', [repository]);
    return rows.length > 0;
  }

  async forgetRepository(repository: string): Promise<void> {
    await this.db.transaction((tx) => forgetRepositories(tx, { name: repository }));
  }
}

const grantResource = (scope: GrantScope) => ({
  type: scope.kind === 'organization' ? RESOURCE_TYPES.organizationPermission : RESOURCE_TYPES.repositoryPermission,
  name: scope.name,
});

function grantScopeData(scope: GrantScope): { organization: string; repository?: string } {
  return scope.kind === 'organization' ? { organization: scope.name } : { organization: scope.name.slice(0, scope.name.indexOf('/')), repository: scope.name };
}

/** Table and key column of a scope's grants: fixed names, never from input. */
const table = (scope: GrantScope) => (scope.kind === 'organization' ? 'iam.organization_permission' : 'iam.repository_permission');
const column = (scope: GrantScope) => (scope.kind === 'organization' ? 'organization' : 'repository');
