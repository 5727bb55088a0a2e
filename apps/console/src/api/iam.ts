import { ApiFailure, failureFrom } from '../logic/errors';
import type { Session } from './session';

// The IAM API (Keystone users, OS-CREDENTIAL access keys) is not in the management API's OpenAPI
// document, so these few shapes are written here, as libs/iam/api identity.controller.ts answers them.

export interface IamUser {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
}

export interface AccessKey {
  readonly access: string;
  readonly user_id: string;
  readonly status: 'active' | 'inactive';
  readonly create_time: string;
  readonly description?: string;
}

export interface IamClient {
  listUsers(): Promise<IamUser[]>;
  createUser(name: string, password: string): Promise<IamUser>;
  deleteUser(id: string): Promise<void>;
  listAccessKeys(userId: string): Promise<AccessKey[]>;
  /** The secret key is in this answer only: IAM keeps it sealed and never shows it again. */
  createAccessKey(userId: string, description: string): Promise<AccessKey & { secret: string }>;
  setAccessKeyStatus(access: string, status: AccessKey['status']): Promise<void>;
  deleteAccessKey(access: string): Promise<void>;
}

/** The IAM calls the console makes, with the session's X-Auth-Token; a 401 also tells the app the session is over. */
export function iamClient(session: Session, onRefused: () => void): IamClient {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        credentials: 'omit',
        headers: { 'X-Auth-Token': session.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiFailure(0, undefined, 'network error');
    }
    const answer: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
    if (response.status === 401) onRefused();
    if (!response.ok) throw failureFrom(response.status, answer);
    return answer as T;
  };
  const credentials = '/v3.0/OS-CREDENTIAL/credentials';
  return {
    listUsers: async () => (await request<{ users: IamUser[] }>('GET', '/v3/users')).users,
    createUser: async (name, password) => (await request<{ user: IamUser }>('POST', '/v3/users', { user: { name, password } })).user,
    deleteUser: (id) => request('DELETE', `/v3/users/${encodeURIComponent(id)}`),
    listAccessKeys: async (userId) => (await request<{ credentials: AccessKey[] }>('GET', `${credentials}?user_id=${encodeURIComponent(userId)}`)).credentials,
    createAccessKey: async (userId, description) =>
      (await request<{ credential: AccessKey & { secret: string } }>('POST', credentials, { credential: { user_id: userId, ...(description ? { description } : {}) } })).credential,
    setAccessKeyStatus: async (access, status) => {
      await request('PUT', `${credentials}/${encodeURIComponent(access)}`, { credential: { status } });
    },
    deleteAccessKey: (access) => request('DELETE', `${credentials}/${encodeURIComponent(access)}`),
  };
}
