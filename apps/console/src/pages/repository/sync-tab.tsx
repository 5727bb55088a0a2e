import { call } from '../../api/client';
import { Loaded, Message, useLoad } from '../../components';
import { useConsole } from '../../context';
import { swrFilter } from '../../logic/filter';
import { formatBytes, formatTime } from '../../logic/format';
import { manualSyncMessage } from '../../logic/sync';
import { useNotice } from './notice';
import type { RepositoryScope } from './scope';
import { AddSyncRule, SyncNow } from './sync-forms';

const RULES = '/v2/manage/namespaces/{namespace}/repos/{repository}/sync_repo';
const JOBS = '/v2/manage/namespaces/{namespace}/repos/{repository}/sync_job';
const SYNC_NOW = '/v2/manage/namespaces/{namespace}/repos/{repository}/sync_images';

/** Image sync: the rules copying every new tag to an organization in another region, and the copy jobs. */
export function SyncTab({ scope }: { scope: RepositoryScope }) {
  const { client } = useConsole();
  const { path, abilities } = scope;
  const key = `${path.namespace}/${path.repository}`;
  const regions = useLoad(() => call(client.GET('/v2/manage/regions', {})), key);
  const rules = useLoad(() => call(client.GET(RULES, { params: { path } })), key);
  const jobs = useLoad(() => call(client.GET(JOBS, { params: { path, query: { filter: swrFilter({ limit: '50', offset: '0', order: 'desc' }) } } })), key);
  const { notice, run } = useNotice();
  const remove = (region: string, organization: string) => {
    if (!window.confirm(`Delete the sync rule to ${organization} in ${region}?`)) return;
    void run(call(client.DELETE(RULES, { params: { path }, body: { remoteRegionId: region, remoteNamespace: organization } })), 'Sync rule deleted.', rules.reload);
  };
  return (
    <section aria-label="Image Sync">
      {notice && <Message kind={notice.kind} text={notice.text} />}
      <Loaded state={regions}>
        {(list) =>
          list.length === 0 ? (
            <p className="message info" data-testid="no-sync-regions">
              No sync regions are configured on this registry, so images cannot be synced. An operator lists them in SWR_SYNC_REGIONS.
            </p>
          ) : (
            abilities.sync && (
              <>
                <h3>Auto-sync: copy every tag pushed from now on</h3>
                <AddSyncRule regions={list.map((r) => r.regionID)} add={(target) => run(call(client.POST(RULES, { params: { path }, body: { ...target, syncAuto: true } })), `Tags pushed from now on are copied to ${target.remoteNamespace} in ${target.remoteRegionId}.`, rules.reload)} />
                <h3>Sync existing tags now</h3>
                <SyncNow regions={list.map((r) => r.regionID)} sync={(tags, target) => run(call(client.POST(SYNC_NOW, { params: { path }, body: { ...target, imageTag: tags } })), (refused) => manualSyncMessage(tags, refused), jobs.reload)} />
              </>
            )
          )
        }
      </Loaded>
      <h3>Sync rules</h3>
      <Loaded state={rules}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No sync rules.</p>
          ) : (
            <table aria-label="Sync rules">
              <thead>
                <tr>
                  <th>Target Region</th>
                  <th>Target Organization</th>
                  <th>Overwrite</th>
                  <th>Created</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                {list.map((rule) => (
                  <tr key={rule.id} data-testid={`sync-rule-${rule.remoteRegionId}-${rule.remoteNamespace}`}>
                    <td>{rule.remoteRegionId}</td>
                    <td>{rule.remoteNamespace}</td>
                    <td>{rule.override ? 'Yes' : 'No'}</td>
                    <td>{formatTime(rule.createdAt)}</td>
                    <td>
                      {abilities.sync && (
                        <button type="button" className="danger" onClick={() => remove(rule.remoteRegionId, rule.remoteNamespace)}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <h3>Sync jobs</h3>
      <button type="button" onClick={jobs.reload}>
        Refresh
      </button>
      <Loaded state={jobs}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No sync jobs.</p>
          ) : (
            <table aria-label="Sync jobs">
              <thead>
                <tr>
                  <th>Image Tag</th>
                  <th>Target</th>
                  <th>Status</th>
                  <th>Copied</th>
                  <th>Operator</th>
                  <th>Created</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {list.map((job) => (
                  <tr key={job.id} data-testid={`sync-job-${job.tag}`}>
                    <td>{job.tag}</td>
                    <td>
                      {job.remoteRegionId}/{job.remoteNamespace}
                    </td>
                    <td>{job.status}</td>
                    <td>
                      {formatBytes(job.copiedBytes)} of {formatBytes(job.totalBytes)}
                    </td>
                    <td>{job.syncOperatorName}</td>
                    <td>{formatTime(job.createdAt)}</td>
                    <td>{job.detail}</td>
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
