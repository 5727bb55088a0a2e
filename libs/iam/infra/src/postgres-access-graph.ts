import type { PermissionLevel, RepositoryAccessFacts } from '@swr/auth';
import type { AccessGraph } from '@swr/iam-core';
import type { DataSource } from 'typeorm';

interface FactsRow {
  owner: string | null;
  is_public: boolean;
  organization_level: number | null;
  repository_level: number | null;
  shared: boolean;
}

export class PostgresAccessGraph implements AccessGraph {
  constructor(private readonly db: DataSource) {}

  /** One round trip gathers every fact the decision needs. */
  async facts(repository: { organization: string; name: string }, caller?: { accountId: string; userId: string }): Promise<RepositoryAccessFacts> {
    const rows: FactsRow[] = await this.db.query(
      `SELECT o.account_id AS owner,
              EXISTS (SELECT 1 FROM iam.public_repository p WHERE p.repository = $2) AS is_public,
              (SELECT level FROM iam.organization_permission WHERE organization = $1 AND user_id = $3) AS organization_level,
              (SELECT level FROM iam.repository_permission WHERE repository = $2 AND user_id = $3) AS repository_level,
              EXISTS (SELECT 1 FROM iam.share s WHERE s.repository = $2 AND s.account_id = $4 AND (s.ends_at IS NULL OR s.ends_at > now())) AS shared
         FROM (SELECT 1) AS one LEFT JOIN iam.organization o ON o.name = $1`,
      [repository.organization, repository.name, caller?.userId ?? null, caller?.accountId ?? null],
    );
    const row = rows[0];
    return {
      organizationOwner: row.owner ?? undefined,
      isPublic: row.is_public,
      organizationLevel: (row.organization_level ?? undefined) as PermissionLevel | undefined,
      repositoryLevel: (row.repository_level ?? undefined) as PermissionLevel | undefined,
      sharedWithCaller: row.shared,
    };
  }

  async claimOrganization(organization: string, accountId: string): Promise<boolean> {
    await this.db.query('INSERT INTO iam.organization (name, account_id) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [organization, accountId]);
    const rows: Array<{ account_id: string }> = await this.db.query('SELECT account_id FROM iam.organization WHERE name = $1', [organization]);
    return rows[0]?.account_id === accountId;
  }
}
