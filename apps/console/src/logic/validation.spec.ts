import { descriptionProblem, organizationNameProblem, passwordProblem, repositoryNameProblem, userNameProblem } from './validation';

describe('organization names, checked as the user types', () => {
  it.each(['a', 'acme', 'team-1', 'my.org', 'a_b', 'a__b', 'a--b', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(organizationNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'Enter a name.'],
    ['x'.repeat(65), 'at most 64'],
    ['Acme', 'lowercase'],
    ['1acme', 'start with a lowercase letter'],
    ['_acme', 'start with a lowercase letter'],
    ['ac me', 'Only lowercase letters'],
    ['acme/x', 'Only lowercase letters'],
    ['acme-', 'end with a letter or digit'],
    ['acme.', 'end with a letter or digit'],
    ['a._b', 'next to each other'],
    ['a___b', 'next to each other'],
    ['a..b', 'next to each other'],
  ])('refuses %j', (name, why) => {
    expect(organizationNameProblem(name)).toContain(why);
  });

  it('matches the server rule on every name built from its alphabet', () => {
    const server = /^[a-z][a-z0-9]*(?:(?:\.|_{1,2}|-+)[a-z0-9]+)*$/;
    const alphabet = ['a', '0', '.', '_', '-'];
    const names: string[] = [''];
    for (let length = 1; length <= 4; length++) {
      for (const prefix of names.filter((n) => n.length === length - 1)) for (const c of alphabet) names.push(prefix + c);
    }
    for (const name of names.filter((n) => n !== '')) {
      expect([name, organizationNameProblem(name) === undefined]).toEqual([name, server.test(name)]);
    }
  });
});

describe('repository descriptions', () => {
  it('take up to 30,000 characters', () => {
    expect(descriptionProblem('x'.repeat(30_000))).toBeUndefined();
    expect(descriptionProblem('x'.repeat(30_001))).toContain('30,000');
  });
});

describe('repository names', () => {
  it.each(['app', 'tools/alpine', 'a.b', 'a__b', 'a--b', '0app', 'x'.repeat(128)])('accepts %s', (name) => {
    expect(repositoryNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['', 'Enter a name.'],
    ['x'.repeat(129), 'at most 128'],
    ['App', 'lowercase'],
    ['app/', 'lowercase'],
    ['a//b', 'lowercase'],
    ['a._b', 'lowercase'],
  ])('refuses %j', (name, why) => {
    expect(repositoryNameProblem(name)).toContain(why);
  });
});

describe('new IAM users', () => {
  it('take the names IAM takes', () => {
    expect(userNameProblem('dev-1.Ops_x')).toBeUndefined();
    expect(userNameProblem('')).toBe('Enter a name.');
    expect(userNameProblem('x'.repeat(65))).toContain('at most 64');
    expect(userNameProblem('swr/dev')).toContain('Only letters');
    expect(userNameProblem('dev@x')).toContain('Only letters');
    expect(userNameProblem('a b')).toContain('Only letters');
    expect(userNameProblem('-dev')).toBe('The name must start with a letter or digit.');
  });
  it('take passwords of 8 to 128 characters', () => {
    expect(passwordProblem('1234567')).toContain('at least 8');
    expect(passwordProblem('12345678')).toBeUndefined();
    expect(passwordProblem('x'.repeat(128))).toBeUndefined();
    expect(passwordProblem('x'.repeat(129))).toContain('at most 128');
  });
});
