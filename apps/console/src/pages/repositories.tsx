import { useState } from 'react';
import { call } from '../api/client';
import { Loaded, useLoad } from '../components';
import { useConsole } from '../context';
import { formatBytes, formatTime } from '../logic/format';
import { canWrite } from '../logic/permissions';
import { repositoryPage } from '../logic/routes';
import { navigate } from '../router';
import { CreateRepository } from './create-repository';

/** The orders ListReposDetails offers (order_column and order_type), as the list's Sort by names them. */
const SORTS = {
  updated: ['updated_time', 'desc', 'Last updated'],
  'name-asc': ['name', 'asc', 'Name (A-Z)'],
  'name-desc': ['name', 'desc', 'Name (Z-A)'],
  tags: ['tag_count', 'desc', 'Most tags'],
} as const;
type Sort = keyof typeof SORTS;

export function Repositories({ namespace }: { namespace?: string }) {
  const { client, session } = useConsole();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [sort, setSort] = useState<Sort>('updated');
  const organizations = useLoad(async () => (await call(client.GET('/v2/manage/namespaces', { params: { query: { mode: 'visible' } } }))).namespaces, session.token);
  const state = useLoad(
    () => call(client.GET('/v2/manage/repos', { params: { query: { ...(namespace ? { namespace } : {}), ...(query ? { name: query } : {}), limit: '100', order_column: SORTS[sort][0], order_type: SORTS[sort][1] } } })),
    `${namespace ?? ''}\n${query}\n${sort}`,
  );
  const writable = (organizations.data ?? []).filter((o) => canWrite(o.auth)).map((o) => o.name);
  const filter = (value: string) => navigate(value ? `/repositories?namespace=${encodeURIComponent(value)}` : '/repositories');

  return (
    <section>
      <h2>My Images</h2>
      {creating ? (
        <CreateRepository organizations={writable} initial={namespace} close={() => setCreating(false)} />
      ) : (
        writable.length > 0 && (
          <p>
            <button type="button" className="primary" onClick={() => setCreating(true)}>
              Create Repository
            </button>
          </p>
        )
      )}
      <form
        className="panel inline"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(search.trim());
        }}
      >
        <label>
          Organization
          <select name="namespace" value={namespace ?? ''} onChange={(e) => filter(e.target.value)}>
            <option value="">All organizations</option>
            {(organizations.data ?? []).map((o) => (
              <option key={o.name} value={o.name}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Image name
          <input name="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <button type="submit">Search</button>
        <label>
          Sort by
          <select name="sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            {Object.entries(SORTS).map(([value, [, , label]]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Loaded state={state}>
        {(repos) =>
          repos.length === 0 ? (
            <p className="muted">No images found.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Organization</th>
                  <th>Type</th>
                  <th>Tags</th>
                  <th>Size</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {repos.map((repo) => (
                  <tr key={`${repo.namespace}/${repo.name}`} data-testid={`repository-${repo.namespace}/${repo.name}`}>
                    <td>
                      <a
                        href={`/console${repositoryPage(repo.namespace, repo.name)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(repositoryPage(repo.namespace, repo.name));
                        }}
                      >
                        {repo.name}
                      </a>
                    </td>
                    <td>{repo.namespace}</td>
                    <td>{repo.is_public ? 'Public' : 'Private'}</td>
                    <td>{repo.num_images}</td>
                    <td>{formatBytes(repo.size)}</td>
                    <td>{formatTime(repo.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
