import { useState, type FormEvent } from 'react';
import { call } from '../api/client';
import { Loaded, Message, useLoad } from '../components';
import { useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { permissionName, usersToAdd, type Auth } from '../logic/permissions';
import { PermissionSelect } from '../permission-select';

interface Member {
  readonly user_id: string;
  readonly user_name: string;
  readonly auth: Auth;
}

/** An organization's members and their permissions (ShowNamespaceAuth and friends): for its managers. */
export function OrganizationMembers({ namespace }: { namespace: string }) {
  const { client, session } = useConsole();
  const path = { namespace };
  const grants = useLoad(() => call(client.GET('/v2/manage/namespaces/{namespace}/access', { params: { path } })), `${session.token}\n${namespace}`);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string }>();
  const act = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        setMessage({ kind: 'info', text: done });
        grants.reload();
      },
      (failure: unknown) => setMessage({ kind: 'error', text: failureMessage(failure) }),
    );

  const change = (member: Member, auth: Auth) =>
    act(call(client.PATCH('/v2/manage/namespaces/{namespace}/access', { params: { path }, body: [{ user_id: member.user_id, user_name: member.user_name, auth }] })), `${member.user_name} now has the ${permissionName(auth)} permission.`);
  const remove = (member: Member) => {
    if (!window.confirm(`Remove ${member.user_name}'s permission on ${namespace}?`)) return;
    void act(call(client.DELETE('/v2/manage/namespaces/{namespace}/access', { params: { path }, body: [member.user_id] })), `${member.user_name} removed.`);
  };
  const add = (member: Member) => act(call(client.POST('/v2/manage/namespaces/{namespace}/access', { params: { path }, body: [member] })), `${member.user_name} added with the ${permissionName(member.auth)} permission.`);

  return (
    <div className="panel" aria-label={`Members of ${namespace}`}>
      <h3>Members of {namespace}</h3>
      {message && <Message kind={message.kind} text={message.text} />}
      <Loaded state={grants}>
        {(view) => (
          <>
            <AddMember members={[view.self_auth, ...view.others_auths]} onAdd={add} />
            <table>
              <thead>
                <tr>
                  <th>User</th>
                  <th>Permission</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                <tr data-testid={`member-${view.self_auth.user_name}`}>
                  <td>{view.self_auth.user_name} (you)</td>
                  <td>{permissionName(view.self_auth.auth)}</td>
                  <td />
                </tr>
                {view.others_auths.map((member) => (
                  <tr key={member.user_id} data-testid={`member-${member.user_name}`}>
                    <td>{member.user_name}</td>
                    <td>
                      <PermissionSelect label={`Permission of ${member.user_name}`} value={member.auth} onChange={(auth) => void change(member, auth)} />
                    </td>
                    <td>
                      <button type="button" className="danger" onClick={() => remove(member)}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Loaded>
    </div>
  );
}

/** The account's users who hold no permission here yet: an IAM user list only admins get whole. */
function AddMember({ members, onAdd }: { members: Member[]; onAdd: (member: Member) => Promise<unknown> }) {
  const { iam, session } = useConsole();
  const users = useLoad(() => iam.listUsers(), session.token);
  const candidates = usersToAdd(users.data ?? [], members);
  const [userId, setUserId] = useState('');
  const [auth, setAuth] = useState<Auth>(1);
  const chosen = candidates.find((u) => u.id === userId) ?? candidates[0];
  if (users.data === undefined) return null;
  if (!chosen) return <p className="muted">Every user you can see already has a permission here.</p>;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onAdd({ user_id: chosen.id, user_name: chosen.name, auth }).then(() => setUserId(''));
  };
  return (
    <form className="inline" onSubmit={submit} aria-label="Add member">
      <label>
        User
        <select name="user" value={chosen.id} onChange={(e) => setUserId(e.target.value)}>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Permission
        <PermissionSelect name="auth" value={auth} onChange={setAuth} />
      </label>
      <button type="submit" className="primary">
        Add Member
      </button>
    </form>
  );
}
