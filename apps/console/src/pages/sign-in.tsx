import { useState, type FormEvent } from 'react';
import { signIn } from '../api/client';
import type { Session } from '../api/session';
import { Message } from '../components';
import { signInMessage } from '../logic/errors';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (session: Session) => void; notice?: string }) {
  const [account, setAccount] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    signIn(account.trim(), user.trim(), password).then(
      (session) => onSignedIn(session),
      (failure: unknown) => {
        setError(signInMessage(failure));
        setBusy(false);
      },
    );
  };

  return (
    <main className="sign-in">
      <form className="panel" onSubmit={submit} aria-label="Sign in">
        <h1>SWR console</h1>
        <p className="muted">Sign in with an IAM user of your account.</p>
        {notice && <Message kind="info" text={notice} />}
        <label>
          Account name
          <input name="account" autoComplete="organization" value={account} onChange={(e) => setAccount(e.target.value)} required />
        </label>
        <label>
          IAM user name
          <input name="user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && <Message kind="error" text={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign In'}
        </button>
      </form>
    </main>
  );
}
