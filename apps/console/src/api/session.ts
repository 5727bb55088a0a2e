/** Who is signed in: the IAM token (X-Auth-Token) and what the token response said. Kept in sessionStorage only, never in a cookie. */
export interface Session {
  readonly token: string;
  readonly account: string;
  readonly user: string;
  readonly userId: string;
  readonly projectId: string;
  /** The project's name: SWR's region, the prefix of a long-term login's user name. */
  readonly region: string;
  readonly expiresAt: string;
  readonly admin: boolean;
}

const KEY = 'swr.console.session';

export function loadSession(storage: Pick<Storage, 'getItem'> = sessionStorage, now = Date.now()): Session | undefined {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    if (typeof session.token !== 'string' || typeof session.userId !== 'string' || typeof session.region !== 'string' || Date.parse(session.expiresAt) <= now) return undefined;
    return session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined, storage: Pick<Storage, 'setItem' | 'removeItem'> = sessionStorage): void {
  if (session) storage.setItem(KEY, JSON.stringify(session));
  else storage.removeItem(KEY);
}
