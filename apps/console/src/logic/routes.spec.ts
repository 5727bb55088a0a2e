import { repositoryPage, routeOf } from './routes';
import { AUTH_LEVELS, canManage, canWrite, permissionName, repositoryAbilities, usersToAdd } from './permissions';

describe('console routes', () => {
  it('names the page of each path', () => {
    expect(routeOf('/')).toEqual({ page: 'overview' });
    expect(routeOf('/overview')).toEqual({ page: 'overview' });
    expect(routeOf('/organizations')).toEqual({ page: 'organizations' });
    expect(routeOf('/login-command')).toEqual({ page: 'login-command' });
    expect(routeOf('/upload')).toEqual({ page: 'upload' });
    expect(routeOf('/users')).toEqual({ page: 'users' });
    expect(routeOf('/audit')).toEqual({ page: 'audit' });
    expect(routeOf('/repositories')).toEqual({ page: 'repositories' });
    expect(routeOf('/repositories?namespace=acme')).toEqual({ page: 'repositories', namespace: 'acme' });
    expect(routeOf('/repositories/acme/tools/alpine.x')).toEqual({ page: 'repository', namespace: 'acme', repository: 'tools/alpine.x' });
    expect(routeOf('/repositories/acme')).toEqual({ page: 'not-found' });
    expect(routeOf('/nope')).toEqual({ page: 'not-found' });
  });

  it('round-trips repository pages', () => {
    const page = repositoryPage('acme', 'tools/alpine');
    expect(page).toBe('/repositories/acme/tools/alpine');
    expect(routeOf(page)).toEqual({ page: 'repository', namespace: 'acme', repository: 'tools/alpine' });
  });
});

describe('permissions', () => {
  it('reads SWR levels 1, 3 and 7', () => {
    expect([1, 3, 7, 0].map(permissionName)).toEqual(['Read', 'Write', 'Manage', 'None']);
    expect([canWrite(1), canWrite(3), canWrite(7), canWrite(undefined)]).toEqual([false, true, true, false]);
    expect([canManage(3), canManage(7)]).toEqual([false, true]);
  });
});

describe('what a repository page offers', () => {
  it('follows the levels: write edits, manage shares and triggers, grants take write on the organization or manage', () => {
    expect(repositoryAbilities(1, 1, false)).toEqual({ write: false, manage: false, grant: false, sync: false });
    expect(repositoryAbilities(0, 3, false)).toEqual({ write: true, manage: false, grant: false, sync: false });
    expect(repositoryAbilities(3, 3, false)).toEqual({ write: true, manage: false, grant: true, sync: false });
    expect(repositoryAbilities(1, 7, false)).toEqual({ write: true, manage: true, grant: true, sync: false });
    expect(repositoryAbilities(7, 7, true)).toEqual({ write: true, manage: true, grant: true, sync: true });
  });
});

describe('organization members', () => {
  it('offers read, write and manage, named as the list names them', () => {
    expect(AUTH_LEVELS.map(([auth, name]) => [name, permissionName(auth)])).toEqual([
      ['Read', 'Read'],
      ['Write', 'Write'],
      ['Manage', 'Manage'],
    ]);
  });
  it('offers to add only users who hold no permission yet, by name', () => {
    const users = [
      { id: 'u3', name: 'zoe' },
      { id: 'u1', name: 'admin' },
      { id: 'u2', name: 'bob' },
    ];
    expect(usersToAdd(users, [{ user_id: 'u1' }]).map((u) => u.name)).toEqual(['bob', 'zoe']);
    expect(usersToAdd(users, users.map((u) => ({ user_id: u.id })))).toEqual([]);
  });
});
