import { allowedActions, Caller, RepositoryAccessFacts } from './access-decision';

const admin: Caller = { accountId: 'acme', userId: 'root', isAdmin: true };
const member: Caller = { accountId: 'acme', userId: 'bob', isAdmin: false };
const stranger: Caller = { accountId: 'other', userId: 'eve', isAdmin: true };
const owned: RepositoryAccessFacts = { organizationOwner: 'acme', isPublic: false, sharedWithCaller: false };
const actions = (caller: Caller | undefined, facts: Partial<RepositoryAccessFacts> = {}) => [...allowedActions(caller, { ...owned, ...facts })].sort();

describe('allowedActions', () => {
  it('lets an account admin do everything in the account', () => {
    expect(actions(admin)).toEqual(['delete', 'pull', 'push']);
  });

  it.each([
    [undefined, undefined, []],
    [1, undefined, ['pull']],
    [undefined, 3, ['pull', 'push']],
    [1, 7, ['delete', 'pull', 'push']],
    [7, 1, ['delete', 'pull', 'push']],
  ] as const)('gives a member with organization level %s and repository level %s: %j', (organizationLevel, repositoryLevel, expected) => {
    expect(actions(member, { organizationLevel, repositoryLevel })).toEqual(expected);
  });

  it('lets anyone pull a public repository, and nothing more', () => {
    expect(actions(undefined, { isPublic: true })).toEqual(['pull']);
    expect(actions(stranger, { isPublic: true })).toEqual(['pull']);
    expect(actions(undefined)).toEqual([]);
  });

  it('lets another account pull only through an active share, whatever its rights at home', () => {
    expect(actions(stranger)).toEqual([]);
    expect(actions(stranger, { sharedWithCaller: true })).toEqual(['pull']);
    expect(actions(stranger, { organizationLevel: 7, repositoryLevel: 7 })).toEqual([]);
  });

  it('lets an admin push into an organization that does not exist yet, and a member not', () => {
    expect(actions(admin, { organizationOwner: undefined })).toEqual(['pull', 'push']);
    expect(actions(member, { organizationOwner: undefined })).toEqual([]);
  });
});
