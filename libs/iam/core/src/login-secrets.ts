import { randomBytes } from 'node:crypto';
import type { Credentials } from './ports';
import type { Principal } from './principal';
import { hashToken, randomAccessKeyId } from './secrets';

/**
 * SWR's temporary login command: a `region@<id>` user name and a random password, valid for a
 * bounded time and usable by many clients at once; only the password's hash is stored.
 */
export class LoginSecrets {
  constructor(
    private readonly credentials: Credentials,
    private readonly region: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(caller: Principal, durationSeconds: number): Promise<{ username: string; password: string; expiresAt: Date }> {
    const access = randomAccessKeyId();
    const password = randomBytes(32).toString('hex');
    const expiresAt = new Date(this.now().getTime() + durationSeconds * 1000);
    await this.credentials.createTemporarySecret({ access, userId: caller.userId, passwordHash: hashToken(password), expiresAt });
    return { username: `${this.region}@${access}`, password, expiresAt };
  }
}
