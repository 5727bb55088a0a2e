/**
 * SWR's organization name rule, as the IAM service checks it (libs/iam/core organizations.ts):
 * a lowercase letter first, then letters and digits, with single `.`, `_`, `__` or dashes only
 * between them; 1 to 64 characters. Checked as the user types; the server checks it again.
 */
const ORGANIZATION_NAME = /^[a-z][a-z0-9]*(?:(?:\.|_{1,2}|-+)[a-z0-9]+)*$/;

/** Why a name cannot name an organization, or undefined when it can. */
export function organizationNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (name.length > 64) return 'The name can have at most 64 characters.';
  if (/[A-Z]/.test(name)) return 'Use lowercase letters only.';
  if (!/^[a-z]/.test(name)) return 'The name must start with a lowercase letter.';
  if (/[^a-z0-9._-]/.test(name)) return 'Only lowercase letters, digits, periods (.), underscores (_) and hyphens (-) are allowed.';
  if (!/[a-z0-9]$/.test(name)) return 'The name must end with a letter or digit.';
  if (!ORGANIZATION_NAME.test(name)) return 'Periods, underscores and hyphens cannot be next to each other (except "__" and "--").';
  return undefined;
}

/** SWR repository names inside an organization (libs/oci names.ts): components joined by `.`, `_`, `__`, dashes or `/`; 1 to 128 characters. */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:\.|\/|_{1,2}|-+)[a-z0-9]+)*$/;

/** Why a name cannot name a repository, or undefined when it can. */
export function repositoryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (name.length > 128) return 'The name can have at most 128 characters.';
  if (!REPOSITORY_NAME.test(name)) return 'Use lowercase letters and digits, separated by a period, underscore, hyphen or slash.';
  return undefined;
}

/** A new IAM user's name, as IAM checks it (libs/contracts iam.contracts.ts): 1 to 64 letters, digits, `.`, `_` and `-`, a letter or digit first. */
export function userNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (name.length > 64) return 'The name can have at most 64 characters.';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return 'Only letters, digits, periods (.), underscores (_) and hyphens (-) are allowed.';
  if (!/^[A-Za-z0-9]/.test(name)) return 'The name must start with a letter or digit.';
  return undefined;
}

/** A new IAM user's password, as IAM takes it: 8 to 128 characters. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 8) return 'The password must have at least 8 characters.';
  if (password.length > 128) return 'The password can have at most 128 characters.';
  return undefined;
}

/** The repository categories SWR knows, with the console's names for them. */
export const REPOSITORY_CATEGORIES = [
  ['app_server', 'App server'],
  ['linux', 'Linux'],
  ['framework_app', 'Framework & app'],
  ['database', 'Database'],
  ['lang', 'Programming language'],
  ['other', 'Other'],
  ['windows', 'Windows'],
  ['arm', 'Arm'],
] as const;

export type RepositoryCategory = (typeof REPOSITORY_CATEGORIES)[number][0] | 'arms';

/** A repository description: SWR takes up to 30,000 characters. */
export function descriptionProblem(description: string): string | undefined {
  return description.length > 30_000 ? 'The description can have at most 30,000 characters.' : undefined;
}
