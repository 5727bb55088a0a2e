import { useState, type FormEvent } from 'react';
import { call } from '../api/client';
import { Loaded, Message, useLoad } from '../components';
import { useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { organizationNameProblem } from '../logic/validation';
import { permissionName, canManage } from '../logic/permissions';
import { navigate } from '../router';
import { OrganizationMembers } from './organization-members';

export function Organizations() {
  const { client, session } = useConsole();
  const state = useLoad(async () => (await call(client.GET('/v2/manage/namespaces', {}))).namespaces, session.token);
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string }>();
  const [members, setMembers] = useState<string>();
  const problem = organizationNameProblem(name);

  const create = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    call(client.POST('/v2/manage/namespaces', { body: { namespace: name } })).then(
      () => {
        setMessage({ kind: 'info', text: `Organization ${name} created.` });
        setName('');
        setTouched(false);
        state.reload();
      },
      (failure: unknown) => setMessage({ kind: 'error', text: failureMessage(failure) }),
    );
  };
  const remove = (namespace: string) => {
    if (!window.confirm(`Delete organization ${namespace}?`)) return;
    call(client.DELETE('/v2/manage/namespaces/{namespace}', { params: { path: { namespace } } })).then(
      () => {
        setMessage({ kind: 'info', text: `Organization ${namespace} deleted.` });
        if (members === namespace) setMembers(undefined);
        state.reload();
      },
      (failure: unknown) => setMessage({ kind: 'error', text: failureMessage(failure) }),
    );
  };

  return (
    <section>
      <h2>Organizations</h2>
      {session.admin && (
        <form className="panel inline" onSubmit={create} aria-label="Create Organization">
          <label>
            Organization name
            <input
              name="namespace"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setTouched(true);
              }}
              aria-invalid={touched && problem !== undefined}
            />
          </label>
          <button type="submit" className="primary" disabled={touched && problem !== undefined}>
            Create Organization
          </button>
          {touched && problem && <p className="hint error">{problem}</p>}
        </form>
      )}
      {message && <Message kind={message.kind} text={message.text} />}
      <Loaded state={state}>
        {(namespaces) =>
          namespaces.length === 0 ? (
            <p className="muted">No organizations yet.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Organization</th>
                  <th>Permission</th>
                  <th>Repositories</th>
                  <th>Creator</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                {namespaces.map((namespace) => (
                  <tr key={namespace.name} data-testid={`organization-${namespace.name}`}>
                    <td>
                      <a
                        href={`/console/repositories?namespace=${encodeURIComponent(namespace.name)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(`/repositories?namespace=${encodeURIComponent(namespace.name)}`);
                        }}
                      >
                        {namespace.name}
                      </a>
                    </td>
                    <td>{permissionName(namespace.auth)}</td>
                    <td>{namespace.repo_count}</td>
                    <td>{namespace.creator_name}</td>
                    <td>
                      {canManage(namespace.auth) && (
                        <div className="actions">
                          <button type="button" onClick={() => setMembers(namespace.name)}>
                            Members
                          </button>
                          <button type="button" className="danger" onClick={() => remove(namespace.name)}>
                            Delete
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {members && <OrganizationMembers key={members} namespace={members} />}
    </section>
  );
}
