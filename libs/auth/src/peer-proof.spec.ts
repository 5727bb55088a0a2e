import { randomBytes } from 'node:crypto';
import { isPeerProofValid, peerProof } from './peer-proof';

describe('peer proof (a sync worker signing in at another region)', () => {
  const key = randomBytes(32);
  const now = new Date('2026-12-05T10:00:00Z');

  it('is accepted with the same key, for the account it names, until it expires', () => {
    const proof = peerProof(key, 'acme', now);
    expect(isPeerProofValid(key, 'acme', proof, now)).toBe(true);
    expect(isPeerProofValid(key, 'acme', proof, new Date(now.getTime() + 299_000))).toBe(true);
    expect(isPeerProofValid(key, 'acme', proof, new Date(now.getTime() + 300_000))).toBe(false);
  });

  it('is refused with another key, for another account, or altered', () => {
    const proof = peerProof(key, 'acme', now);
    expect(isPeerProofValid(randomBytes(32), 'acme', proof, now)).toBe(false);
    expect(isPeerProofValid(key, 'other', proof, now)).toBe(false);
    const [expires, mac] = proof.split('.');
    expect(isPeerProofValid(key, 'acme', `${Number(expires) + 3600}.${mac}`, now)).toBe(false);
    expect(isPeerProofValid(key, 'acme', 'not-a-proof', now)).toBe(false);
  });

  it('is refused when it claims to last far longer than a proof does', () => {
    const later = new Date(now.getTime() + 3_600_000);
    expect(isPeerProofValid(key, 'acme', peerProof(key, 'acme', later), now)).toBe(false);
  });
});
