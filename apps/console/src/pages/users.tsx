import { useState, type FormEvent } from 'react';
import type { IamUser } from '../api/iam';
import { Forbidden, Loaded, Message, useLoad } from '../components';
import { useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { passwordProblem, userNameProblem } from '../logic/validation';
import { AccessKeys } from './access-keys';

/** The account's IAM users and their access keys: for account admins only. */
export function Users() {
  const { session } = useConsole();
  return session.admin ? <UserList /> : <Forbidden />;
}

function UserList() {
  const { iam, session } = useConsole();
  const users = useLoad(() => iam.listUsers(), session.token);
  const [selected, setSelected] = useState<IamUser>();
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string }>();

  const remove = (user: IamUser) => {
    if (!window.confirm(`Delete user ${user.name}? Their access keys and permissions go with them.`)) return;
    iam.deleteUser(user.id).then(
      () => {
        setMessage({ kind: 'info', text: `User ${user.name} deleted.` });
        if (selected?.id === user.id) setSelected(undefined);
        users.reload();
      },
      (failure: unknown) => setMessage({ kind: 'error', text: failureMessage(failure) }),
    );
  };

  return (
    <section>
      <h2>Users</h2>
      <CreateUser
        onCreated={(user) => {
          setMessage({ kind: 'info', text: `User ${user.name} created.` });
          users.reload();
        }}
      />
      {message && <Message kind={message.kind} text={message.text} />}
      <Loaded state={users}>
        {(list) => (
          <table>
            <thead>
              <tr>
                <th>User</th>
                <th>User ID</th>
                <th>Status</th>
                <th>Operation</th>
              </tr>
            </thead>
            <tbody>
              {list.map((user) => (
                <tr key={user.id} data-testid={`user-${user.name}`}>
                  <td>{user.name}</td>
                  <td>
                    <code>{user.id}</code>
                  </td>
                  <td>{user.enabled ? 'Enabled' : 'Disabled'}</td>
                  <td>
                    <div className="actions">
                      <button type="button" onClick={() => setSelected(user)}>
                        Access Keys
                      </button>
                      {user.id !== session.userId && (
                        <button type="button" className="danger" onClick={() => remove(user)}>
                          Delete
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      {selected && <AccessKeys key={selected.id} userId={selected.id} userName={selected.name} />}
    </section>
  );
}

function CreateUser({ onCreated }: { onCreated: (user: IamUser) => void }) {
  const { iam } = useConsole();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string>();
  const problem = userNameProblem(name) ?? passwordProblem(password);

  const create = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    setError(undefined);
    iam.createUser(name, password).then(
      (user) => {
        setName('');
        setPassword('');
        setTouched(false);
        onCreated(user);
      },
      (failure: unknown) => setError(failureMessage(failure)),
    );
  };

  return (
    <form className="panel inline" onSubmit={create} aria-label="Create User">
      <label>
        User name
        <input name="name" value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit" className="primary">
        Create User
      </button>
      {touched && problem && <p className="hint error">{problem}</p>}
      {error && <Message kind="error" text={error} />}
    </form>
  );
}
