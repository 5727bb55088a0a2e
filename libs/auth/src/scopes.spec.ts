import { parseScopes } from './scopes';

describe('parseScopes', () => {
  it('reads repository scopes, space-separated or repeated', () => {
    expect(parseScopes(['repository:acme/app:pull,push repository:acme/base:pull', 'registry:catalog:*'])).toEqual([
      { type: 'repository', name: 'acme/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'acme/base', actions: ['pull'] },
      { type: 'registry', name: 'catalog', actions: [] },
    ]);
  });

  it('expands * and drops actions it does not know', () => {
    expect(parseScopes(['repository:acme/app:*'])[0].actions).toEqual(['pull', 'push', 'delete']);
    expect(parseScopes(['repository:acme/app:pull,admin,sudo'])[0].actions).toEqual(['pull']);
  });

  it('leaves out odd names, unknown types and empty action lists', () => {
    expect(
      parseScopes(['repository:../etc:pull', 'repository:Acme/App:pull', 'repository:acme:pull', 'foo:acme/app:pull', 'repository:acme/app:', 'repository', 'repository:acme/app:admin']),
    ).toEqual([]);
  });
});
