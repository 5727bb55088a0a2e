import { exportSigningKey, generateSigningKey, importSigningKey, SigningKey } from '@swr/auth';
import type { SigningKeys } from './ports';
import type { SecretBox } from '@swr/auth';

/**
 * The keys registry tokens are signed with. Created once, on the first start of any IAM replica,
 * and kept sealed in the database so that every replica signs with the same key.
 */
export class KeyRing {
  private current: SigningKey | undefined;

  constructor(
    private readonly store: SigningKeys,
    private readonly box: SecretBox,
  ) {}

  async signingKey(): Promise<SigningKey> {
    if (this.current) return this.current;
    let record = await this.store.newest();
    if (!record) {
      const fresh = exportSigningKey(generateSigningKey());
      await this.store.add({ kid: fresh.kid, sealedPrivateKey: this.box.seal(fresh.privatePem), publicPem: fresh.publicPem, createdAt: new Date() });
      record = await this.store.newest();
    }
    if (!record) throw new Error('no signing key could be stored');
    this.current = importSigningKey(record.kid, this.box.open(record.sealedPrivateKey));
    return this.current;
  }

  /** Every key a token may still be signed with, for verifiers. */
  async publicKeys(): Promise<Array<{ kid: string; publicPem: string }>> {
    await this.signingKey();
    return (await this.store.all()).map((k) => ({ kid: k.kid, publicPem: k.publicPem }));
  }
}
