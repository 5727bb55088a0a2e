import createClient, { type Middleware } from 'openapi-fetch';
import { ApiFailure, failureFrom } from '../logic/errors';
import type { paths } from './schema';
import type { Session } from './session';

export type ManageClient = ReturnType<typeof createClient<paths>>;

/**
 * The management API, typed from the generated `paths`, called with the session's X-Auth-Token.
 * Every failure becomes an ApiFailure (thrown by `call`); a 401 also tells the app that the
 * session is over.
 */
export function manageClient(session: Session, onRefused: () => void): ManageClient {
  const client = createClient<paths>({ baseUrl: '', credentials: 'omit' });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('X-Auth-Token', session.token);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onRefused();
      return response;
    },
  };
  client.use(auth);
  return client;
}

/** The data of an openapi-fetch answer, or its error as an ApiFailure. */
export async function call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await pending;
  } catch {
    throw new ApiFailure(0, undefined, 'network error');
  }
  if (!answer.response.ok) throw failureFrom(answer.response.status, answer.error);
  return answer.data as T;
}

/** POST /v3/auth/tokens with the password method: the token is the X-Subject-Token header. */
export async function signIn(account: string, user: string, password: string): Promise<Session> {
  let response: Response;
  try {
    response = await fetch('/v3/auth/tokens', {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: account } } } } } }),
    });
  } catch {
    throw new ApiFailure(0, undefined, 'network error');
  }
  const body: unknown = await response.json().catch(() => undefined);
  const token = response.headers.get('X-Subject-Token');
  if (!response.ok || !token) throw failureFrom(response.status, body);
  const issued = (body as { token: { expires_at: string; user: { id: string; name: string; domain: { name: string } }; project: { id: string; name: string }; roles: Array<{ name: string }> } }).token;
  return {
    token,
    account: issued.user.domain.name,
    user: issued.user.name,
    userId: issued.user.id,
    projectId: issued.project.id,
    region: issued.project.name,
    expiresAt: issued.expires_at,
    admin: issued.roles.some((role) => role.name === 'te_admin'),
  };
}

/** The temporary `docker login` command: POST /v2/manage/utils/secret answers it in X-Swr-Dockerlogin. */
export async function temporaryLoginCommand(client: ManageClient): Promise<{ command: string; expiresAt: string | undefined }> {
  const { response, error } = await client.POST('/v2/manage/utils/secret', {}).catch(() => {
    throw new ApiFailure(0, undefined, 'network error');
  });
  if (!response.ok) throw failureFrom(response.status, error);
  const command = response.headers.get('X-Swr-Dockerlogin');
  if (!command) throw new ApiFailure(response.status, undefined, 'no login command in the answer');
  return { command, expiresAt: response.headers.get('X-Swr-Expireat') ?? undefined };
}
