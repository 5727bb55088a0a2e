/** The console's pages, from the path under /console/ (pure, so that it is tested without a browser). */
export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'organizations' }
  | { readonly page: 'repositories'; readonly namespace?: string }
  | { readonly page: 'repository'; readonly namespace: string; readonly repository: string }
  | { readonly page: 'login-command' }
  | { readonly page: 'upload' }
  | { readonly page: 'users' }
  | { readonly page: 'audit' }
  | { readonly page: 'not-found' };

export function routeOf(page: string): Route {
  const [path, query = ''] = page.split('?');
  const parts = path.split('/').filter((part) => part !== '').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'overview')) return { page: 'overview' };
  if (parts.length === 1 && parts[0] === 'organizations') return { page: 'organizations' };
  if (parts.length === 1 && parts[0] === 'login-command') return { page: 'login-command' };
  if (parts.length === 1 && parts[0] === 'upload') return { page: 'upload' };
  if (parts.length === 1 && parts[0] === 'users') return { page: 'users' };
  if (parts.length === 1 && parts[0] === 'audit') return { page: 'audit' };
  if (parts[0] === 'repositories') {
    if (parts.length === 1) {
      const namespace = new URLSearchParams(query).get('namespace') ?? undefined;
      return namespace ? { page: 'repositories', namespace } : { page: 'repositories' };
    }
    // A repository name may hold slashes: the organization is the first part, the repository the rest.
    if (parts.length >= 3) return { page: 'repository', namespace: parts[1], repository: parts.slice(2).join('/') };
  }
  return { page: 'not-found' };
}

export function repositoryPage(namespace: string, repository: string): string {
  return `/repositories/${encodeURIComponent(namespace)}/${repository.split('/').map(encodeURIComponent).join('/')}`;
}
