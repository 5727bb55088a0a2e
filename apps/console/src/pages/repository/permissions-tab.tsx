import { useState, type FormEvent } from 'react';
import { call } from '../../api/client';
import { Loaded, Message, useLoad } from '../../components';
import { useConsole } from '../../context';
import { failureMessage } from '../../logic/errors';
import { permissionName, type Auth } from '../../logic/permissions';
import { PermissionSelect } from '../../permission-select';
import { useNotice } from './notice';
import type { RepositoryScope } from './scope';

const ACCESS = '/v2/manage/namespaces/{namespace}/repos/{repository}/access';

/** Who holds which permission on the repository; grant, change and revoke for those who may. */
export function PermissionsTab({ scope }: { scope: RepositoryScope }) {
  const { client } = useConsole();
  const { path, abilities } = scope;
  const access = useLoad(() => call(client.GET(ACCESS, { params: { path } })), `${path.namespace}/${path.repository}`);
  const { notice, run } = useNotice();
  const change = (user: { user_id: string; user_name: string }, auth: Auth) =>
    void run(call(client.PATCH(ACCESS, { params: { path }, body: [{ ...user, auth }] })), `${user.user_name} now has the ${permissionName(auth)} permission.`, access.reload);
  const revoke = (user: { user_id: string; user_name: string }) => {
    if (!window.confirm(`Revoke the permission of ${user.user_name}?`)) return;
    void run(call(client.DELETE(ACCESS, { params: { path }, body: [user.user_id] })), `The permission of ${user.user_name} is revoked.`, access.reload);
  };
  return (
    <section aria-label="Permissions">
      {notice && <Message kind={notice.kind} text={notice.text} />}
      <Loaded state={access}>
        {(data) => (
          <>
            {abilities.grant && <GrantForm granted={data.others_auths.map((g) => g.user_id).concat(data.self_auth.user_id)} grant={(user, auth) => run(call(client.POST(ACCESS, { params: { path }, body: [{ ...user, auth }] })), `${user.user_name} has the ${permissionName(auth)} permission.`, access.reload)} />}
            {data.others_auths.length === 0 ? (
              <p className="muted">No other user holds a permission on this image.</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th>User</th>
                    <th>Permission</th>
                    <th>Operation</th>
                  </tr>
                </thead>
                <tbody>
                  {data.others_auths.map((grant) => (
                    <tr key={grant.user_id} data-testid={`permission-${grant.user_name}`}>
                      <td>{grant.user_name}</td>
                      <td>
                        {abilities.grant ? (
                          <PermissionSelect label={`Permission of ${grant.user_name}`} value={grant.auth} onChange={(auth) => change(grant, auth)} />
                        ) : (
                          permissionName(grant.auth)
                        )}
                      </td>
                      <td>
                        {abilities.grant && (
                          <button type="button" className="danger" onClick={() => revoke(grant)}>
                            Revoke
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

/**
 * Granting: an account admin picks a user of the account; anyone else (who cannot list the
 * account's users) types the user's ID and name, as SWR's API takes them.
 */
function GrantForm({ granted, grant }: { granted: string[]; grant: (user: { user_id: string; user_name: string }, auth: Auth) => Promise<boolean> }) {
  const { session, iam } = useConsole();
  const users = useLoad(() => (session.admin ? iam.listUsers() : Promise.resolve([])), session.token);
  const [userId, setUserId] = useState('');
  const [userName, setUserName] = useState('');
  const [auth, setAuth] = useState<Auth>(1);
  const candidates = (users.data ?? []).filter((user) => !granted.includes(user.id));
  const picked = session.admin ? candidates.find((user) => user.id === userId) : undefined;
  const user = session.admin ? (picked ? { user_id: picked.id, user_name: picked.name } : undefined) : userId.trim() && userName.trim() ? { user_id: userId.trim(), user_name: userName.trim() } : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!user) return;
    void grant(user, auth).then((done) => {
      if (!done) return;
      setUserId('');
      setUserName('');
    });
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="Grant permission">
      {session.admin ? (
        <label>
          User
          <select name="user" value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">Choose a user</option>
            {candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <>
          <label>
            User ID
            <input name="user-id" value={userId} onChange={(e) => setUserId(e.target.value)} />
          </label>
          <label>
            User name
            <input name="user-name" value={userName} onChange={(e) => setUserName(e.target.value)} />
          </label>
        </>
      )}
      <label>
        Permission
        <PermissionSelect name="auth" value={auth} onChange={setAuth} />
      </label>
      <button type="submit" className="primary" disabled={!user}>
        Grant Permission
      </button>
      {users.error !== undefined && <Message kind="error" text={failureMessage(users.error)} />}
    </form>
  );
}
