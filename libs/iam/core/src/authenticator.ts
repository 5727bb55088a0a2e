import { loginKey, parseLoginName, SecretBox, secretsEqual } from '@swr/auth';
import { IamError } from './iam-error';
import type { Credentials, Directory, LoginMethod, UserRecord } from './ports';
import { Principal, principalOf } from './principal';
import { hashToken, verifyPassword } from './secrets';
import { VerifiedPasswords } from './verified-passwords';

export interface LockoutPolicy {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** A valid scrypt hash of no password anyone knows. */
const UNKNOWN_USER_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const refused = () => new IamError('IAM_INVALID_CREDENTIALS', 'incorrect user name or password');

/**
 * Checks what a caller signs in with: a user's password, a long-term login key (`region@AK` and
 * the HMAC of the AK keyed with the SK), or a temporary login secret. Repeated failures for one
 * user name lock it for a while; the lock is shared by every IAM replica.
 */
export class Authenticator {
  private readonly passwords = new VerifiedPasswords();

  constructor(
    private readonly directory: Directory,
    private readonly credentials: Credentials,
    private readonly box: SecretBox,
    private readonly region: string,
    private readonly lockout: LockoutPolicy = DEFAULT_LOCKOUT,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `docker login` and the token endpoint: any of the three credential forms. */
  dockerLogin(username: string, password: string): Promise<Principal> {
    const name = parseLoginName(username, this.region);
    return name.kind === 'access-key'
      ? this.guarded(username, 'access-key', () => this.byAccessKey(name.accessKey, password))
      : this.guarded(username, 'password', () => this.byPassword(name.user, password, name.account));
  }

  /** Keystone's password method: user name and password within a named account. */
  passwordLogin(userName: string, password: string, accountName: string): Promise<Principal> {
    return this.guarded(`${accountName}/${userName}`, 'password', () => this.byPassword(userName, password, accountName));
  }

  private async guarded(subject: string, method: LoginMethod, check: () => Promise<UserRecord | undefined>): Promise<Principal> {
    const key = subject.toLowerCase().slice(0, 300);
    const lockedUntil = await this.credentials.lockedUntil(key);
    if (lockedUntil && lockedUntil > this.now()) {
      throw new IamError('IAM_LOGIN_LOCKED', `too many failed logins for ${subject.slice(0, 100)}; try again after ${lockedUntil.toISOString()}`, {
        retryAfter: lockedUntil.toISOString(),
      });
    }
    const user = await check();
    if (!user || !user.enabled) {
      const reason = user ? 'user disabled' : 'incorrect credentials';
      const failures = await this.credentials.recordLoginFailure(key, new Date(this.now().getTime() - this.lockout.windowMs), { method, reason });
      if (failures >= this.lockout.maxFailures) await this.credentials.lock(key, new Date(this.now().getTime() + this.lockout.lockMs));
      throw refused();
    }
    await this.credentials.recordLogin(key, user, { method });
    return principalOf(user);
  }

  private async byPassword(userName: string, password: string, accountName?: string): Promise<UserRecord | undefined> {
    const candidates = await this.directory.findUsersByName(userName, accountName);
    // A bare user name works only while it is unique across accounts. An unknown user costs a
    // hash all the same, so that timing does not tell which user names exist.
    if (candidates.length !== 1) {
      await verifyPassword(password, UNKNOWN_USER_HASH);
      return undefined;
    }
    return (await this.passwords.verify(password, candidates[0].passwordHash)) ? candidates[0] : undefined;
  }

  private async byAccessKey(access: string, password: string): Promise<UserRecord | undefined> {
    const key = await this.credentials.findAccessKey(access);
    if (key) {
      if (key.status !== 'active') return undefined;
      return secretsEqual(loginKey(access, this.box.open(key.sealedSecret)), password) ? this.directory.findUser(key.userId) : undefined;
    }
    const temporary = await this.credentials.findTemporarySecret(access);
    if (!temporary || temporary.expiresAt <= this.now()) return undefined;
    return secretsEqual(hashToken(password), temporary.passwordHash) ? this.directory.findUser(temporary.userId) : undefined;
  }
}
