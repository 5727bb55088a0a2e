import { useState } from 'react';
import { temporaryLoginCommand } from '../api/client';
import { CopyCommand, Message } from '../components';
import { useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { formatTime } from '../logic/format';
import { AccessKeys, LongTermCommand } from './access-keys';

export function LoginCommand() {
  const { client, session } = useConsole();
  const [result, setResult] = useState<{ command: string; expiresAt?: string }>();
  const [error, setError] = useState<string>();
  const generate = () => {
    setError(undefined);
    temporaryLoginCommand(client).then(setResult, (failure: unknown) => setError(failureMessage(failure)));
  };
  return (
    <section>
      <h2>Login Command</h2>
      <div className="panel">
        <h3>Temporary login command</h3>
        <p className="muted">Valid for 6 hours. Run it where docker runs to log in to this registry.</p>
        <button type="button" className="primary" onClick={generate}>
          Generate Login Command
        </button>
        {error && <Message kind="error" text={error} />}
        {result && (
          <>
            <CopyCommand command={result.command} label="Temporary login command" />
            <p className="muted">Expires at {formatTime(result.expiresAt)}.</p>
          </>
        )}
      </div>
      <div className="panel">
        <h3>Long-term login command</h3>
        <p className="muted">
          Derived from an access key (AK/SK): valid until the key is disabled or deleted. The secret access key is shown once, when the key is created; the login key is computed in this browser and the secret never leaves it.
        </p>
        <LongTermCommand />
      </div>
      <AccessKeys userId={session.userId} userName={session.user} />
    </section>
  );
}
