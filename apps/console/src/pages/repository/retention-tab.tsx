import { useState } from 'react';
import { call } from '../../api/client';
import { Loaded, Message, useLoad } from '../../components';
import { useConsole } from '../../context';
import { formatTime, shortDigest } from '../../logic/format';
import { describeRule, describeRuleType, EMPTY_RETENTION_FORM, retentionFormOf, type RetentionRule } from '../../logic/retention';
import { useNotice } from './notice';
import { RetentionPolicyForm } from './retention-form';
import type { RepositoryScope } from './scope';

const POLICIES = '/v2/manage/namespaces/{namespace}/repos/{repository}/retentions';
const POLICY = '/v2/manage/namespaces/{namespace}/repos/{repository}/retentions/{retention_id}';
const HISTORIES = '/v2/manage/namespaces/{namespace}/repos/{repository}/retentions/histories';
const DRY_RUN = '/v2/manage/namespaces/{namespace}/repos/{repository}/retentions/{retention_id}/dry-run';
const EXECUTE = '/v2/manage/namespaces/{namespace}/repos/{repository}/retentions/{retention_id}/execute';

/** The repository's retention policy (one at most): set, change, delete, dry run, run now; and what it removed. */
export function RetentionTab({ scope }: { scope: RepositoryScope }) {
  const { client } = useConsole();
  const { path, abilities } = scope;
  const key = `${path.namespace}/${path.repository}`;
  const policies = useLoad(() => call(client.GET(POLICIES, { params: { path } })), key);
  const histories = useLoad(() => call(client.GET(HISTORIES, { params: { path, query: { limit: '50', offset: '0' } } })), key);
  const { notice, run } = useNotice();
  const [editing, setEditing] = useState(false);
  const [dryRun, setDryRun] = useState<ReadonlyArray<{ tag: string; digest: string }>>();
  const reload = () => {
    setEditing(false);
    setDryRun(undefined);
    policies.reload();
    histories.reload();
  };
  const at = (id: number) => ({ path: { ...path, retention_id: String(id) } });
  const tryIt = (id: number) => void run(call(client.POST(DRY_RUN, { params: at(id) })).then((answer) => setDryRun(answer.removals)), 'Dry run finished: nothing was removed.');
  const remove = (id: number) => {
    if (!window.confirm('Delete the retention policy? Its history stays.')) return;
    void run(call(client.DELETE(POLICY, { params: at(id) })), 'Retention policy deleted.', reload);
  };
  return (
    <section aria-label="Retention">
      {notice && <Message kind={notice.kind} text={notice.text} />}
      <Loaded state={policies}>
        {(list) => {
          const policy = list[0];
          if (!policy) {
            return abilities.manage ? (
              <RetentionPolicyForm action="Create Policy" initial={EMPTY_RETENTION_FORM} save={(body) => run(call(client.POST(POLICIES, { params: { path }, body })), 'Retention policy created.', reload)} />
            ) : (
              <p className="muted">No retention policy: every tag is kept.</p>
            );
          }
          const rule = policy.rules[0] as RetentionRule;
          if (editing) {
            return <RetentionPolicyForm action="Save Policy" initial={retentionFormOf(rule)} cancel={() => setEditing(false)} save={(body) => run(call(client.PATCH(POLICY, { params: at(policy.id), body })), 'Retention policy changed.', reload)} />;
          }
          return (
            <div className="panel">
              <h3>Retention policy</h3>
              <p data-testid="retention-rule">{describeRule(rule)}</p>
              <button type="button" onClick={() => tryIt(policy.id)}>
                Dry Run
              </button>{' '}
              {abilities.manage && (
                <>
                  <button type="button" onClick={() => void run(call(client.POST(EXECUTE, { params: at(policy.id) })), 'The policy runs now: removed tags appear in the history.', () => setDryRun(undefined))}>
                    Run Now
                  </button>{' '}
                  <button type="button" onClick={() => setEditing(true)}>
                    Edit
                  </button>{' '}
                  <button type="button" className="danger" onClick={() => remove(policy.id)}>
                    Delete
                  </button>
                </>
              )}
              {dryRun && <DryRun removals={dryRun} />}
            </div>
          );
        }}
      </Loaded>
      <h3>Retention history</h3>
      <button type="button" onClick={histories.reload}>
        Refresh
      </button>
      <Loaded state={histories}>
        {({ retention_log: logs }) =>
          logs.length === 0 ? (
            <p className="muted">Retention has removed no tag.</p>
          ) : (
            <table aria-label="Retention history">
              <thead>
                <tr>
                  <th>Image Tag</th>
                  <th>Rule</th>
                  <th>Removed</th>
                </tr>
              </thead>
              <tbody>
                {logs.map((log) => (
                  <tr key={log.id} data-testid={`retention-log-${log.tag}`}>
                    <td>{log.tag}</td>
                    <td>{describeRuleType(log.rule_type)}</td>
                    <td>{formatTime(log.created_at)}</td>
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

function DryRun({ removals }: { removals: ReadonlyArray<{ tag: string; digest: string }> }) {
  if (removals.length === 0) return <p data-testid="dry-run">Dry run: nothing would be removed now.</p>;
  return (
    <div data-testid="dry-run">
      <p>Dry run: these tags would be removed now (nothing was removed).</p>
      <table aria-label="Tags the policy would remove">
        <thead>
          <tr>
            <th>Image Tag</th>
            <th>Digest</th>
          </tr>
        </thead>
        <tbody>
          {removals.map((removal) => (
            <tr key={removal.tag} data-testid={`would-remove-${removal.tag}`}>
              <td>{removal.tag}</td>
              <td title={removal.digest}>
                <code>{shortDigest(removal.digest)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
