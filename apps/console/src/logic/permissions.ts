/** SWR's permission levels on an organization or repository: 1 read, 3 read and write, 7 manage. */
export type Auth = 1 | 3 | 7;

export function permissionName(auth: number): string {
  if (auth >= 7) return 'Manage';
  if (auth >= 3) return 'Write';
  if (auth >= 1) return 'Read';
  return 'None';
}

/** Editing a repository's attributes and deleting its tags take write; deleting an organization takes manage. */
export const canWrite = (auth: number | undefined): boolean => (auth ?? 0) >= 3;
export const canManage = (auth: number | undefined): boolean => (auth ?? 0) >= 7;

/** The levels a grant can give, with their names. */
export const AUTH_LEVELS: ReadonlyArray<readonly [Auth, string]> = [
  [1, 'Read'],
  [3, 'Write'],
  [7, 'Manage'],
];

/** What the caller may do on a repository's page; the API decides again on every call. */
export interface RepositoryAbilities {
  /** Edit the attributes, delete tags. */
  readonly write: boolean;
  /** Shares, triggers and the retention policy. */
  readonly manage: boolean;
  /** Grant, change and revoke permissions on the repository. */
  readonly grant: boolean;
  /** Add and delete sync rules: only the account's administrators, with manage. */
  readonly sync: boolean;
}

/**
 * From the caller's level on the organization and the effective level on the repository (the
 * greater of the two, as the API's self_auth says): managing a repository's permissions takes
 * write on its organization or manage on the repository.
 */
export function repositoryAbilities(organization: number, effective: number, accountAdmin: boolean): RepositoryAbilities {
  const manage = effective >= 7;
  return { write: effective >= 3, manage, grant: organization >= 3 || manage, sync: manage && accountAdmin };
}

/** The users who hold no permission yet, by name: the ones a manager can add. */
export function usersToAdd<U extends { id: string; name: string }>(users: readonly U[], members: ReadonlyArray<{ user_id: string }>): U[] {
  const held = new Set(members.map((m) => m.user_id));
  return users.filter((u) => !held.has(u.id)).sort((a, b) => a.name.localeCompare(b.name));
}
