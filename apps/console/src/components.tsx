import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiFailure, failureMessage } from './logic/errors';

/** Loads once per change of `key`; a 403 shows the "no permission" page, any other failure its message. */
export function useLoad<T>(load: () => Promise<T>, key: string): { data?: T; error?: unknown; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data }),
      (error: unknown) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [key, round]);
  return { ...state, reload: useCallback(() => setRound((r) => r + 1), []) };
}

export function Loaded<T>({ state, children }: { state: { data?: T; error?: unknown }; children: (data: T) => ReactNode }) {
  if (state.error !== undefined) {
    if (state.error instanceof ApiFailure && state.error.status === 403) return <Forbidden />;
    return <Message kind="error" text={failureMessage(state.error)} />;
  }
  if (state.data === undefined) return <p className="muted">Loading…</p>;
  return <>{children(state.data)}</>;
}

export function Forbidden() {
  return (
    <section className="panel" role="alert" data-testid="forbidden">
      <h2>No permission</h2>
      <p>You do not have permission to view this page. Ask your account administrator to grant you access.</p>
    </section>
  );
}

export function Message({ kind, text }: { kind: 'error' | 'info'; text: string }) {
  return (
    <p className={`message ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {text}
    </p>
  );
}

/** A command to copy: shown as text (never HTML) with a Copy button. */
export function CopyCommand({ command, label }: { command: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(command).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <div className="command">
      <code aria-label={label}>{command}</code>
      <button type="button" onClick={copy}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
