import type { EntityManager } from 'typeorm';

/**
 * Drops what IAM holds about repositories that are gone: their grants, shares and public flags.
 * `match` names one repository, or an organization for every repository in it.
 */
export async function forgetRepositories(tx: EntityManager, match: { name: string } | { organization: string }): Promise<void> {
  const [condition, value] = 'name' in match ? ['repository = $1', match.name] : ['repository LIKE $1', `${match.organization.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`];
  for (const table of ['iam.repository_permission', 'iam.share', 'iam.public_repository']) await tx.query(`DELETE FROM ${table} WHERE ${condition}`, [value]);
}
