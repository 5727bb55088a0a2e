import { createHmac } from 'node:crypto';
import { secretsEqual } from './login-key';

/**
 * The user name a sync worker signs in with at another region's token endpoint: `@sync/<account>`,
 * which names no account's user (account names start with a letter or digit), and holds no colon
 * (Basic credentials end the user name at the first one).
 */
export const PEER_LOGIN_PREFIX = '@sync/';
/** A proof is good this long after it was made, and refused once that has passed. */
export const PEER_PROOF_LIFETIME_SECONDS = 300;

function mac(key: Buffer, accountName: string, expires: number): string {
  return createHmac('sha256', key).update(`swr-sync-peer-v1\n${accountName}\n${expires}`).digest('hex');
}

/**
 * What a sync worker sends as the password: `<expiry, unix seconds>.<HMAC-SHA256 of the account and
 * expiry, keyed with SWR_SYNC_PEER_KEY>`. Only deployments sharing the key can make one, and it names
 * the one account it acts for.
 */
export function peerProof(key: Buffer, accountName: string, now: Date = new Date()): string {
  const expires = Math.floor(now.getTime() / 1000) + PEER_PROOF_LIFETIME_SECONDS;
  return `${expires}.${mac(key, accountName, expires)}`;
}

/** True when `proof` was made with `key` for `accountName` and has not expired (nor expires implausibly late). */
export function isPeerProofValid(key: Buffer, accountName: string, proof: string, now: Date = new Date()): boolean {
  const match = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(proof);
  if (!match) return false;
  const expires = Number(match[1]);
  const seconds = now.getTime() / 1000;
  if (expires <= seconds || expires > seconds + PEER_PROOF_LIFETIME_SECONDS + 60) return false;
  return secretsEqual(mac(key, accountName, expires), match[2]);
}
