import type { RegistryAction } from './scopes';

/** SWR permission levels: 1 read (pull), 3 write (and push, edit), 7 manage (and delete, grant, share). */
export type PermissionLevel = 1 | 3 | 7;

export interface Caller {
  readonly accountId: string;
  readonly userId: string;
  /** An account's admin can do everything in the account. */
  readonly isAdmin: boolean;
}

/** What is known about a repository and the caller's relation to it, gathered by IAM. */
export interface RepositoryAccessFacts {
  /** Owner account of the repository's organization; undefined when the organization does not exist yet. */
  readonly organizationOwner?: string;
  readonly isPublic: boolean;
  /** The caller's grants on the organization and on the repository. */
  readonly organizationLevel?: PermissionLevel;
  readonly repositoryLevel?: PermissionLevel;
  /** A share of the repository with the caller's account that has not ended. */
  readonly sharedWithCaller: boolean;
}

const BY_LEVEL: Array<[PermissionLevel, RegistryAction]> = [
  [1, 'pull'],
  [3, 'push'],
  [7, 'delete'],
];

/**
 * The access decision for the registry: which actions a caller (or an anonymous client) may take
 * on a repository. Pure, so every rule is tested exhaustively; IAM gathers the facts.
 */
export function allowedActions(caller: Caller | undefined, facts: RepositoryAccessFacts): Set<RegistryAction> {
  const allowed = new Set<RegistryAction>();
  if (facts.isPublic) allowed.add('pull');
  if (!caller) return allowed;
  if (facts.organizationOwner === undefined) {
    // A new organization: its first push creates it for the admin's account.
    if (caller.isAdmin) ['pull', 'push'].forEach((a) => allowed.add(a as RegistryAction));
    return allowed;
  }
  if (facts.organizationOwner === caller.accountId) {
    const level = caller.isAdmin ? 7 : Math.max(facts.organizationLevel ?? 0, facts.repositoryLevel ?? 0);
    for (const [needed, action] of BY_LEVEL) if (level >= needed) allowed.add(action);
    return allowed;
  }
  if (facts.sharedWithCaller) allowed.add('pull');
  return allowed;
}
