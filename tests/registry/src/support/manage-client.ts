import { raw, RawResponse } from './http';

/** A management API caller signed in through the IAM-compatible API, as scripts and SDKs do it. */
export class ManageClient {
  private constructor(
    readonly url: string,
    readonly token: string,
    /** `token.project.id`: the account's project, as quota paths name it. */
    readonly projectId: string,
    readonly userId: string,
  ) {}

  static async signIn(url: string, account: string, user: string, password: string): Promise<ManageClient> {
    const res = await raw(url, 'POST', '/v3/auth/tokens', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: account } } } }, scope: { project: { name: 'local-1' } } },
      }),
    });
    if (res.status !== 201) throw new Error(`sign-in of ${account}/${user} failed: ${res.status} ${res.body.toString()}`);
    const { token } = res.json();
    return new ManageClient(url, res.header('x-subject-token') as string, token.project.id, token.user.id);
  }

  /** `login` is `account/user`, as docker logins name users. */
  static fromLogin(url: string, login: { username: string; password: string }): Promise<ManageClient> {
    const [account, user] = login.username.split('/');
    return ManageClient.signIn(url, account, user, login.password);
  }

  /** `token` '' sends none. */
  call(method: string, path: string, body?: unknown, token: string = this.token): Promise<RawResponse> {
    return raw(this.url, method, path, {
      headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
}

/** The SWR error code of a failed management call. */
export const swrCode = (res: RawResponse): string | undefined => (res.headers['content-type']?.includes('json') ? res.json().error_code : undefined);
