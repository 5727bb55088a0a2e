import { parseRepositoryName } from '@swr/oci';

export type RegistryAction = 'pull' | 'push' | 'delete';
export const REGISTRY_ACTIONS: readonly RegistryAction[] = ['pull', 'push', 'delete'];

export interface RequestedScope {
  readonly type: 'repository' | 'registry';
  readonly name: string;
  readonly actions: readonly RegistryAction[];
}

/**
 * Parses Docker token scopes (`repository:org/repo:pull,push`, `registry:catalog:*`), space- or
 * parameter-separated. Anything malformed, of an unknown type, or naming an invalid repository is
 * left out: a token never grants more than what was asked in a form we understand. `*` means
 * every action.
 */
export function parseScopes(values: readonly string[]): RequestedScope[] {
  const scopes: RequestedScope[] = [];
  for (const scope of values.flatMap((v) => v.split(' ')).filter(Boolean)) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last === first) continue;
    const type = scope.slice(0, first);
    const name = scope.slice(first + 1, last);
    const requested = scope.slice(last + 1).split(',');
    const actions = requested.includes('*') ? [...REGISTRY_ACTIONS] : REGISTRY_ACTIONS.filter((a) => requested.includes(a));
    if (type === 'registry' && name === 'catalog') {
      scopes.push({ type, name, actions: [] });
    } else if (type === 'repository' && actions.length) {
      try {
        scopes.push({ type, name: parseRepositoryName(name).name, actions });
      } catch {
        continue;
      }
    }
  }
  return scopes;
}
