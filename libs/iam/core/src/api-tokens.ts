import type { Authenticator } from './authenticator';
import { IamError } from './iam-error';
import type { Credentials, Directory } from './ports';
import { Principal, principalOf } from './principal';
import { hashToken, randomToken } from './secrets';

export const API_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * `X-Auth-Token` for the management and IAM APIs: an opaque random token, stored only as its hash,
 * valid for 24 hours and only while its user and account are enabled.
 */
export class ApiTokens {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly directory: Directory,
    private readonly credentials: Credentials,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async issue(userName: string, password: string, accountName: string): Promise<{ token: string; expiresAt: Date; issuedAt: Date; principal: Principal }> {
    const principal = await this.authenticator.passwordLogin(userName, password, accountName);
    const token = randomToken();
    const issuedAt = this.now();
    const expiresAt = new Date(issuedAt.getTime() + API_TOKEN_LIFETIME_MS);
    await this.credentials.createApiToken(hashToken(token), principal.userId, expiresAt);
    return { token, expiresAt, issuedAt, principal };
  }

  async verify(token: string): Promise<Principal> {
    const invalid = new IamError('IAM_TOKEN_INVALID', 'the token is invalid or has expired');
    const record = await this.credentials.findApiToken(hashToken(token));
    if (!record || record.expiresAt <= this.now()) throw invalid;
    const user = await this.directory.findUser(record.userId);
    if (!user?.enabled) throw invalid;
    return principalOf(user);
  }
}
