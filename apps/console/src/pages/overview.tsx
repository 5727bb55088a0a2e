import { call } from '../api/client';
import { useConsole } from '../context';
import { Loaded, useLoad } from '../components';
import { formatUsage } from '../logic/format';

const QUOTA_NAMES: Readonly<Record<string, string>> = { namespace: 'Organizations', repository: 'Repositories', storage: 'Storage used' };

export function Overview() {
  const { client, session } = useConsole();
  const state = useLoad(
    async () => {
      const [quotas, overview] = await Promise.all([
        call(client.GET('/v2/manage/projects/{project_id}/quotas', { params: { path: { project_id: session.projectId } } })),
        call(client.GET('/v2/manage/overview', {})),
      ]);
      return { quotas: quotas.quotas, overview };
    },
    session.token,
  );
  return (
    <section>
      <h2>Overview</h2>
      <Loaded state={state}>
        {({ quotas, overview }) => (
          <div className="cards">
            {quotas.map((quota) => (
              <div className="card" key={quota.quota_key} data-testid={`quota-${quota.quota_key}`}>
                <h3>{QUOTA_NAMES[quota.quota_key] ?? quota.quota_key}</h3>
                <p className="figure">{formatUsage(quota.used, quota.quota_limit, quota.unit === 'byte')}</p>
              </div>
            ))}
            <div className="card" data-testid="images">
              <h3>Images</h3>
              <p className="figure">{overview.image_num}</p>
            </div>
          </div>
        )}
      </Loaded>
    </section>
  );
}
