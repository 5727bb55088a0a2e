import { call, type ManageClient } from './client';
import type { operations } from './schema';

// The IAM API's users and access keys, typed from the generated OpenAPI document like the rest.
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;
export type IamUser = Json<operations['KeystoneShowUser']['responses'][200]>['user'];
export type AccessKey = Json<operations['ListPermanentAccessKeys']['responses'][200]>['credentials'][number];

export interface IamClient {
  listUsers(): Promise<IamUser[]>;
  createUser(name: string, password: string): Promise<IamUser>;
  deleteUser(id: string): Promise<void>;
  listAccessKeys(userId: string): Promise<AccessKey[]>;
  /** The secret access key is in this answer only: IAM keeps it sealed and never shows it again. */
  createAccessKey(userId: string, description: string): Promise<AccessKey & { secret: string }>;
  setAccessKeyStatus(access: string, status: AccessKey['status']): Promise<void>;
  deleteAccessKey(access: string): Promise<void>;
}

/** The IAM calls the console makes, through the session's typed client (its token, its end on a 401). */
export function iamClient(client: ManageClient): IamClient {
  const key = (access_key: string) => ({ params: { path: { access_key } } });
  return {
    listUsers: async () => (await call(client.GET('/v3/users', {}))).users,
    createUser: async (name, password) => (await call(client.POST('/v3/users', { body: { user: { name, password } } }))).user,
    deleteUser: async (user_id) => {
      await call(client.DELETE('/v3/users/{user_id}', { params: { path: { user_id } } }));
    },
    listAccessKeys: async (user_id) => (await call(client.GET('/v3.0/OS-CREDENTIAL/credentials', { params: { query: { user_id } } }))).credentials,
    createAccessKey: async (user_id, description) =>
      (await call(client.POST('/v3.0/OS-CREDENTIAL/credentials', { body: { credential: { user_id, ...(description ? { description } : {}) } } }))).credential,
    setAccessKeyStatus: async (access, status) => {
      await call(client.PUT('/v3.0/OS-CREDENTIAL/credentials/{access_key}', { ...key(access), body: { credential: { status } } }));
    },
    deleteAccessKey: async (access) => {
      await call(client.DELETE('/v3.0/OS-CREDENTIAL/credentials/{access_key}', key(access)));
    },
  };
}
