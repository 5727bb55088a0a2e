import { useState, type FormEvent } from 'react';
import type { AccessKey } from '../api/iam';
import { CopyCommand, Loaded, Message, useLoad } from '../components';
import { useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { formatTime } from '../logic/format';
import { loginKey, loginKeyShellCommand, longTermLoginCommand } from '../logic/login';

/** A user's access keys: list, create (the secret shown once, with the long-term login command), disable, enable, delete. */
export function AccessKeys({ userId, userName }: { userId: string; userName: string }) {
  const { iam } = useConsole();
  const keys = useLoad(() => iam.listAccessKeys(userId), userId);
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<{ access: string; secret: string }>();
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string }>();
  const act = (work: Promise<unknown>, done: string) =>
    work.then(
      () => {
        setMessage({ kind: 'info', text: done });
        keys.reload();
      },
      (failure: unknown) => setMessage({ kind: 'error', text: failureMessage(failure) }),
    );

  const create = (event: FormEvent) => {
    event.preventDefault();
    setCreated(undefined);
    iam.createAccessKey(userId, description.trim()).then(
      (key) => {
        setCreated({ access: key.access, secret: key.secret });
        setDescription('');
        setMessage(undefined);
        keys.reload();
      },
      (failure: unknown) => setMessage({ kind: 'error', text: failureMessage(failure) }),
    );
  };
  const remove = (key: AccessKey) => {
    if (!window.confirm(`Delete access key ${key.access}? Logins with it stop working.`)) return;
    void act(iam.deleteAccessKey(key.access), `Access key ${key.access} deleted.`);
  };
  const toggle = (key: AccessKey) => {
    const status = key.status === 'active' ? 'inactive' : 'active';
    void act(iam.setAccessKeyStatus(key.access, status), `Access key ${key.access} ${status === 'active' ? 'enabled' : 'disabled'}.`);
  };

  return (
    <div className="panel" aria-label={`Access keys of ${userName}`}>
      <h3>Access keys of {userName}</h3>
      <form className="inline" onSubmit={create}>
        <label>
          Description
          <input name="description" value={description} maxLength={255} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <button type="submit" className="primary">
          Create Access Key
        </button>
      </form>
      {created && <NewAccessKey access={created.access} secret={created.secret} />}
      {message && <Message kind={message.kind} text={message.text} />}
      <Loaded state={keys}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No access keys.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Access Key ID</th>
                  <th>Status</th>
                  <th>Created</th>
                  <th>Description</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                {list.map((key) => (
                  <tr key={key.access} data-testid={`access-key-${key.access}`}>
                    <td>
                      <code>{key.access}</code>
                    </td>
                    <td>{key.status === 'active' ? 'Enabled' : 'Disabled'}</td>
                    <td>{formatTime(key.create_time)}</td>
                    <td>{key.description}</td>
                    <td>
                      <div className="actions">
                        <button type="button" onClick={() => toggle(key)}>
                          {key.status === 'active' ? 'Disable' : 'Enable'}
                        </button>
                        <button type="button" className="danger" onClick={() => remove(key)}>
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </div>
  );
}

/** The secret of a key just created: shown this once, with its long-term login command. */
function NewAccessKey({ access, secret }: { access: string; secret: string }) {
  return (
    <div className="panel notice" data-testid="new-access-key">
      <p>
        <strong>Save the secret access key now: it cannot be shown again.</strong>
      </p>
      <p className="muted">Access key ID</p>
      <CopyCommand command={access} label="Access key ID" />
      <p className="muted">Secret access key</p>
      <CopyCommand command={secret} label="Secret access key" />
      <LoginCommandOf access={access} secret={secret} />
    </div>
  );
}

/** The long-term login command of a key whose secret the user still has (typed here, never sent). */
export function LongTermCommand() {
  const [access, setAccess] = useState('');
  const [secret, setSecret] = useState('');
  const [shown, setShown] = useState<{ access: string; secret: string }>();
  return (
    <form
      className="inline"
      aria-label="Long-term login command from a key"
      onSubmit={(e) => {
        e.preventDefault();
        setShown({ access: access.trim(), secret: secret.trim() });
      }}
    >
      <label>
        Access key ID
        <input name="access" value={access} onChange={(e) => setAccess(e.target.value)} required />
      </label>
      <label>
        Secret access key
        <input name="secret" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} required />
      </label>
      <button type="submit">Show Login Command</button>
      {shown && <LoginCommandOf access={shown.access} secret={shown.secret} />}
    </form>
  );
}

function LoginCommandOf({ access, secret }: { access: string; secret: string }) {
  const derived = useLoad(async () => ({ key: await loginKey(access, secret) }), `${access}\n${secret}`);
  return <Loaded state={derived}>{({ key }) => <CommandOf access={access} secret={secret} derivedKey={key} />}</Loaded>;
}

function CommandOf({ access, secret, derivedKey }: { access: string; secret: string; derivedKey: string | undefined }) {
  const { session } = useConsole();
  if (derivedKey === undefined) {
    return (
      <div className="long-term">
        <p className="muted">This page cannot compute the login key here (it needs HTTPS). Compute it with openssl, then log in as {session.region}@{access}:</p>
        <CopyCommand command={loginKeyShellCommand(access, secret)} label="Login key command" />
      </div>
    );
  }
  return (
    <div className="long-term">
      <p className="muted">Long-term login command: valid until the access key is disabled or deleted.</p>
      <CopyCommand command={longTermLoginCommand(session.region, access, derivedKey, window.location.host)} label="Long-term login command" />
    </div>
  );
}
