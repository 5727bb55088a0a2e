import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifyPassword } from './secrets';

export interface VerifiedPasswordsOptions {
  /** How long a verified password is trusted without scrypt again. */
  readonly ttlMs?: number;
  /** Entries kept at most; the oldest go first. */
  readonly maxEntries?: number;
  readonly now?: () => number;
  /** The slow check itself. */
  readonly check?: (password: string, stored: string) => Promise<boolean>;
}

/**
 * scrypt on every sign-in makes each `docker login`, and each token a client fetches with Basic
 * credentials (skopeo and containerd fetch one per image), cost about 100 ms of CPU. A password
 * that verified a moment ago is trusted again for a short while: only successes are remembered,
 * so a wrong password always pays scrypt in full and guessing gets no faster. What is kept is an
 * HMAC of the password under a key that never leaves this process, keyed by the stored hash,
 * whose random salt changes with every password change, so that a new password (or a reset)
 * voids the entry at once.
 */
export class VerifiedPasswords {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { readonly mac: Buffer; readonly until: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly check: (password: string, stored: string) => Promise<boolean>;

  constructor(options: VerifiedPasswordsOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.check = options.check ?? verifyPassword;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const mac = createHmac('sha256', this.key).update(stored).update('\0').update(password).digest();
    const entry = this.entries.get(stored);
    if (entry && entry.until > this.now() && timingSafeEqual(entry.mac, mac)) return true;
    if (!(await this.check(password, stored))) return false;
    this.entries.delete(stored);
    this.entries.set(stored, { mac, until: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return true;
  }
}
