import { Fragment, useState } from 'react';
import { call } from '../../api/client';
import { Loaded, Message, useLoad } from '../../components';
import { useConsole } from '../../context';
import { formatTime } from '../../logic/format';
import { describeCondition } from '../../logic/trigger';
import { useNotice } from './notice';
import type { RepositoryScope } from './scope';
import { AddTrigger } from './trigger-form';
import { TriggerHistory } from './trigger-history';

const TRIGGERS = '/v2/manage/namespaces/{namespace}/repos/{repository}/triggers';
const TRIGGER = '/v2/manage/namespaces/{namespace}/repos/{repository}/triggers/{trigger}';
const REDELIVER = '/v2/manage/namespaces/{namespace}/repos/{repository}/triggers/{trigger}/histories/{delivery_id}/redeliver';

/** The repository's triggers: what each does on a matching push, on or off, and its deliveries. */
export function TriggersTab({ scope }: { scope: RepositoryScope }) {
  const { client } = useConsole();
  const { path, abilities } = scope;
  const triggers = useLoad(() => call(client.GET(TRIGGERS, { params: { path } })), `${path.namespace}/${path.repository}`);
  const { notice, run } = useNotice();
  const [open, setOpen] = useState<string>();
  const at = (trigger: string) => ({ params: { path: { ...path, trigger } } });
  const toggle = (trigger: string, enable: boolean) =>
    void run(call(client.PATCH(TRIGGER, { ...at(trigger), body: { enable: enable ? 'true' : 'false' } })), `Trigger ${trigger} ${enable ? 'enabled' : 'disabled'}.`, triggers.reload);
  const remove = (trigger: string) => {
    if (!window.confirm(`Delete trigger ${trigger}?`)) return;
    void run(call(client.DELETE(TRIGGER, at(trigger))), `Trigger ${trigger} deleted.`, triggers.reload);
  };
  const redeliver = (trigger: string, deliveryId: string, tag: string) =>
    void run(call(client.POST(REDELIVER, { params: { path: { ...path, trigger, delivery_id: deliveryId } } })), `The delivery of ${tag} is sent again.`, triggers.reload);
  return (
    <section aria-label="Triggers">
      {notice && <Message kind={notice.kind} text={notice.text} />}
      {abilities.manage && <AddTrigger add={(body) => run(call(client.POST(TRIGGERS, { params: { path }, body })), `Trigger ${body.name} added.`, triggers.reload)} />}
      <p>
        <button type="button" onClick={triggers.reload}>
          Refresh
        </button>
      </p>
      <Loaded state={triggers}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No triggers.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Trigger Name</th>
                  <th>Action</th>
                  <th>Trigger Condition</th>
                  <th>Status</th>
                  <th>Created By</th>
                  <th>Created</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                {list.map((trigger) => {
                  const enabled = trigger.enable === 'true';
                  return (
                    <Fragment key={trigger.name}>
                      <tr data-testid={`trigger-${trigger.name}`}>
                        <td>{trigger.name}</td>
                        <td>{trigger.action === 'webhook' ? `Webhook ${trigger.webhook?.url ?? ''}` : `Update ${trigger.app_type} ${trigger.cluster_ns}/${trigger.application}`}</td>
                        <td>{describeCondition(trigger.trigger_type, trigger.condition)}</td>
                        <td>{enabled ? 'Enabled' : 'Disabled'}</td>
                        <td>{trigger.creator_name}</td>
                        <td>{formatTime(trigger.created_at)}</td>
                        <td>
                          <button type="button" aria-expanded={open === trigger.name} onClick={() => setOpen(open === trigger.name ? undefined : trigger.name)}>
                            History
                          </button>{' '}
                          {abilities.manage && (
                            <>
                              <button type="button" onClick={() => toggle(trigger.name, !enabled)}>
                                {enabled ? 'Disable' : 'Enable'}
                              </button>{' '}
                              <button type="button" className="danger" onClick={() => remove(trigger.name)}>
                                Delete
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                      {open === trigger.name && (
                        <tr>
                          <td colSpan={7}>
                            <TriggerHistory
                              trigger={trigger.name}
                              deliveries={trigger.trigger_history}
                              redeliver={abilities.manage ? (delivery) => redeliver(trigger.name, delivery.delivery_id, delivery.tag) : undefined}
                            />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
