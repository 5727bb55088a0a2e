import { call } from '../api/client';
import { BytesPerDayChart } from '../chart';
import { useConsole } from '../context';
import { Loaded, useLoad } from '../components';
import { formatBytes, formatUsage } from '../logic/format';

const QUOTA_NAMES: Readonly<Record<string, string>> = { namespace: 'Organizations', repository: 'Repositories', storage: 'Storage used' };

export function Overview() {
  const { client, session } = useConsole();
  const state = useLoad(
    async () => {
      const report = (resource_type: 'store' | 'downflow') => call(client.GET('/v2/manage/reports/{resource_type}/{frequency}', { params: { path: { resource_type, frequency: 'daily' } } }));
      const [quotas, overview, stored, pulled] = await Promise.all([
        call(client.GET('/v2/manage/projects/{project_id}/quotas', { params: { path: { project_id: session.projectId } } })),
        call(client.GET('/v2/manage/overview', {})),
        report('store'),
        report('downflow'),
      ]);
      return { quotas: quotas.quotas, overview, stored, pulled };
    },
    session.token,
  );
  return (
    <section>
      <h2>Overview</h2>
      <Loaded state={state}>
        {({ quotas, overview, stored, pulled }) => (
          <>
            <div className="cards">
              <div className="card" data-testid="count-organizations">
                <h3>Organizations</h3>
                <p className="figure">{overview.namspace_num}</p>
              </div>
              <div className="card" data-testid="count-repositories">
                <h3>Repositories</h3>
                <p className="figure">{overview.repo_num}</p>
              </div>
              <div className="card" data-testid="images">
                <h3>Images</h3>
                <p className="figure">{overview.image_num}</p>
              </div>
              <div className="card" data-testid="downflow">
                <h3>Pulled, last 30 days</h3>
                <p className="figure">{formatBytes(overview.downflow_size)}</p>
              </div>
            </div>
            <h3>Quotas</h3>
            <div className="cards">
              {quotas.map((quota) => (
                <div className="card" key={quota.quota_key} data-testid={`quota-${quota.quota_key}`}>
                  <h3>{QUOTA_NAMES[quota.quota_key] ?? quota.quota_key}</h3>
                  <p className="figure">{formatUsage(quota.used, quota.quota_limit, quota.unit === 'byte')}</p>
                </div>
              ))}
            </div>
            <div className="charts">
              <BytesPerDayChart title="Storage per day" points={stored} testId="chart-store" />
              <BytesPerDayChart title="Pulled per day" points={pulled} testId="chart-downflow" />
            </div>
          </>
        )}
      </Loaded>
    </section>
  );
}
