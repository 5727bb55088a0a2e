import { OciError } from './errors';
import { isValidTag, parseReference, parseRepositoryName } from './names';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as OciError).code;
  }
  return undefined;
};

describe('repository names', () => {
  it.each([
    ['library/ubuntu', 'library', 'ubuntu'],
    ['my-org/app', 'my-org', 'app'],
    ['org/team/service/api', 'org', 'team/service/api'],
    ['a.b/c__d', 'a.b', 'c__d'],
    ['org/x--y', 'org', 'x--y'],
  ])('accepts %s', (name, organization, repository) => {
    expect(parseRepositoryName(name)).toEqual({ name, organization, repository });
  });

  it.each([
    ['no organization', 'ubuntu'],
    ['upper case', 'Org/app'],
    ['dot-dot component', 'org/../app'],
    ['percent-encoded dots', 'org/%2e%2e/app'],
    ['leading slash', '/org/app'],
    ['trailing slash', 'org/app/'],
    ['empty component', 'org//app'],
    ['three underscores', 'org/a___b'],
    ['organization starting with a digit', '1org/app'],
    ['organization over 64 characters', `${'o'.repeat(65)}/app`],
    ['repository over 128 characters', `org/${'r'.repeat(129)}`],
    ['name over 255 characters', `org/${'a/'.repeat(126)}a`],
  ])('refuses %s with NAME_INVALID', (_why, name) => {
    expect(codeOf(() => parseRepositoryName(name))).toBe('NAME_INVALID');
  });
});

describe('references', () => {
  it('tells tags from digests', () => {
    expect(parseReference('v1.0')).toEqual({ kind: 'tag', tag: 'v1.0' });
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseReference(digest)).toEqual({ kind: 'digest', digest });
  });

  it('refuses malformed tags and digests', () => {
    expect(codeOf(() => parseReference('-leading-dash'))).toBe('MANIFEST_INVALID');
    expect(codeOf(() => parseReference('a'.repeat(129)))).toBe('MANIFEST_INVALID');
    expect(codeOf(() => parseReference('sha256:xyz'))).toBe('DIGEST_INVALID');
  });

  it('follows the Docker tag grammar', () => {
    expect(isValidTag('latest')).toBe(true);
    expect(isValidTag('_internal.1-rc')).toBe(true);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('has/slash')).toBe(false);
    expect(isValidTag('t'.repeat(128))).toBe(true);
  });
});
