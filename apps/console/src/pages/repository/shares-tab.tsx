import { useState, type FormEvent } from 'react';
import { call } from '../../api/client';
import { Loaded, Message, useLoad } from '../../components';
import { useConsole } from '../../context';
import { formatTime } from '../../logic/format';
import { deadlineDate, deadlineText, shareDeadline, shareProblem } from '../../logic/share';
import { DeadlineInput } from './deadline-input';
import { useNotice } from './notice';
import type { RepositoryScope } from './scope';

const SHARES = '/v2/manage/namespaces/{namespace}/repositories/{repository}/access-domains';
const SHARE = '/v2/manage/namespaces/{namespace}/repositories/{repository}/access-domains/{access_domain}';
const today = () => new Date().toISOString().slice(0, 10);

/** Sharing a private image with other accounts: pull only, until a last day or permanently. */
export function SharesTab({ scope, isPublic }: { scope: RepositoryScope; isPublic: boolean }) {
  const { client } = useConsole();
  const { path, abilities } = scope;
  const shares = useLoad(() => call(client.GET(SHARES, { params: { path } })), `${path.namespace}/${path.repository}`);
  const { notice, run } = useNotice();
  const [editing, setEditing] = useState<string>();
  const remove = (account: string) => {
    if (!window.confirm(`Stop sharing with ${account}?`)) return;
    void run(call(client.DELETE(SHARE, { params: { path: { ...path, access_domain: account } } })), `No longer shared with ${account}.`, shares.reload);
  };
  return (
    <section aria-label="Sharing">
      {isPublic && <p className="muted">This image is public: everyone may pull it, so it is not shared with particular accounts.</p>}
      {notice && <Message kind={notice.kind} text={notice.text} />}
      {abilities.manage && <AddShare add={(body) => run(call(client.POST(SHARES, { params: { path }, body })), `Shared with ${body.access_domain}.`, shares.reload)} />}
      <Loaded state={shares}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">This image is not shared with any account.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Account</th>
                  <th>Permission</th>
                  <th>Valid Until</th>
                  <th>Status</th>
                  <th>Description</th>
                  <th>Shared By</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                {list.map((share) =>
                  editing === share.access_domain ? (
                    <EditShare
                      key={share.access_domain}
                      share={share}
                      cancel={() => setEditing(undefined)}
                      save={(body) =>
                        run(call(client.PATCH(SHARE, { params: { path: { ...path, access_domain: share.access_domain } }, body })), `The share with ${share.access_domain} is changed.`, () => {
                          setEditing(undefined);
                          shares.reload();
                        })
                      }
                    />
                  ) : (
                    <tr key={share.access_domain} data-testid={`share-${share.access_domain}`}>
                      <td>{share.access_domain}</td>
                      <td>{share.permit === 'read' ? 'Pull' : share.permit}</td>
                      <td>{deadlineText(share.deadline)}</td>
                      <td>{share.status ? 'Valid' : 'Expired'}</td>
                      <td>{share.description}</td>
                      <td title={formatTime(share.created)}>{share.creator_name}</td>
                      <td>
                        {abilities.manage && (
                          <>
                            <button type="button" onClick={() => setEditing(share.access_domain)}>
                              Edit
                            </button>{' '}
                            <button type="button" className="danger" onClick={() => remove(share.access_domain)}>
                              Delete
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

interface ShareTerms {
  permit: string;
  deadline: string;
  description: string;
}

function AddShare({ add }: { add: (body: ShareTerms & { access_domain: string }) => Promise<boolean> }) {
  const [account, setAccount] = useState('');
  const [forever, setForever] = useState(true);
  const [date, setDate] = useState('');
  const [description, setDescription] = useState('');
  const problem = account ? shareProblem(account, forever, date, today()) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!account || problem) return;
    void add({ access_domain: account.trim(), permit: 'read', deadline: shareDeadline(forever, date), description }).then((done) => done && setAccount(''));
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="Share image">
      <label>
        Account
        <input name="account" value={account} aria-invalid={problem !== undefined} onChange={(e) => setAccount(e.target.value)} />
      </label>
      <label>
        Permission
        <select name="permit" value="read" disabled>
          <option value="read">Pull</option>
        </select>
      </label>
      <DeadlineInput label="Valid until" forever={forever} date={date} change={(f, d) => (setForever(f), setDate(d))} />
      <label>
        Description
        <input name="share-description" value={description} maxLength={1000} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={!account || problem !== undefined}>
        Share
      </button>
      {problem && <p className="hint error">{problem}</p>}
    </form>
  );
}

function EditShare({ share, save, cancel }: { share: { access_domain: string; deadline: string; description: string }; save: (body: ShareTerms) => Promise<boolean>; cancel: () => void }) {
  const [forever, setForever] = useState(share.deadline === 'forever');
  const [date, setDate] = useState(deadlineDate(share.deadline));
  const [description, setDescription] = useState(share.description);
  const problem = shareProblem(share.access_domain, forever, date, today());
  return (
    <tr data-testid={`share-${share.access_domain}`}>
      <td>{share.access_domain}</td>
      <td>Pull</td>
      <td colSpan={3}>
        <DeadlineInput label={`Valid until for ${share.access_domain}`} forever={forever} date={date} change={(f, d) => (setForever(f), setDate(d))} />
        <input aria-label={`Description of the share with ${share.access_domain}`} value={description} maxLength={1000} onChange={(e) => setDescription(e.target.value)} />
        {problem && <p className="hint error">{problem}</p>}
      </td>
      <td />
      <td>
        <button type="button" className="primary" disabled={problem !== undefined} onClick={() => void save({ permit: 'read', deadline: shareDeadline(forever, date), description })}>
          Save
        </button>{' '}
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </td>
    </tr>
  );
}
