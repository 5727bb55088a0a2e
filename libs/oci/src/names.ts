import { parseDigest } from './digest';
import { OciError } from './errors';

/** One path component of a repository name, as the distribution spec defines it. */
const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_GRAMMAR = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_GRAMMAR = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** SWR organization names: start with a letter, 1–64 characters (spec section 2). */
const ORGANIZATION_GRAMMAR = /^[a-z][a-z0-9]*(?:(?:\.|_{1,2}|-+)[a-z0-9]+)*$/;
/** SWR repository names inside an organization: 1–128 characters, `/` allowed as a separator. */
const REPOSITORY_GRAMMAR = /^[a-z0-9]+(?:(?:\.|\/|_{1,2}|-+)[a-z0-9]+)*$/;

export const MAX_NAME_LENGTH = 255;
export const MAX_ORGANIZATION_LENGTH = 64;
export const MAX_REPOSITORY_LENGTH = 128;

/** `<organization>/<repository>`: every name on the registry endpoint has at least two components. */
export interface RepositoryName {
  readonly name: string;
  readonly organization: string;
  readonly repository: string;
}

export function isValidOrganizationName(value: string): boolean {
  return value.length >= 1 && value.length <= MAX_ORGANIZATION_LENGTH && ORGANIZATION_GRAMMAR.test(value);
}

export function isValidRepositoryPath(value: string): boolean {
  return value.length >= 1 && value.length <= MAX_REPOSITORY_LENGTH && REPOSITORY_GRAMMAR.test(value);
}

export function parseRepositoryName(name: string): RepositoryName {
  const invalid = (reason: string) => new OciError('NAME_INVALID', `invalid repository name: ${reason}`, { name: name.slice(0, MAX_NAME_LENGTH + 1) });
  if (name.length > MAX_NAME_LENGTH) throw invalid(`longer than ${MAX_NAME_LENGTH} characters`);
  if (!NAME_GRAMMAR.test(name)) throw invalid('not a valid name');
  const slash = name.indexOf('/');
  if (slash < 0) throw invalid('expected <organization>/<repository>');
  const organization = name.slice(0, slash);
  const repository = name.slice(slash + 1);
  if (!isValidOrganizationName(organization)) throw invalid('invalid organization');
  if (!isValidRepositoryPath(repository)) throw invalid('invalid repository');
  return { name, organization, repository };
}

export function isValidTag(value: string): boolean {
  return TAG_GRAMMAR.test(value);
}

export type Reference = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: string };

/** A manifest reference is a tag or a digest; a digest is recognised by its `algorithm:` prefix. */
export function parseReference(value: string): Reference {
  if (value.includes(':')) return { kind: 'digest', digest: parseDigest(value).digest };
  if (!isValidTag(value)) throw new OciError('MANIFEST_INVALID', 'invalid tag', { tag: value.slice(0, 200) });
  return { kind: 'tag', tag: value };
}
