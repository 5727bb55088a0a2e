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
