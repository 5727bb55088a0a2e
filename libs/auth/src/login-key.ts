import { createHmac, timingSafeEqual } from 'node:crypto';

/** SWR's long-term login key: lower-case hex HMAC-SHA256 of the AK, keyed with the SK. */
export function loginKey(accessKey: string, secretKey: string): string {
  return createHmac('sha256', secretKey).update(accessKey).digest('hex');
}

/** Compares secrets without leaking, through timing, how much of them matched. */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export type LoginName =
  /** `<region>@<AK>`: a long-term key or a temporary login secret. */
  | { kind: 'access-key'; accessKey: string }
  /** `<account>/<user>`, or a bare user name. */
  | { kind: 'user'; account?: string; user: string };

/** Reads the user name of a `docker login`: which credential the password must match. */
export function parseLoginName(username: string, region: string): LoginName {
  const at = username.indexOf('@');
  if (at > 0 && username.slice(0, at) === region) return { kind: 'access-key', accessKey: username.slice(at + 1) };
  const slash = username.indexOf('/');
  if (slash > 0) return { kind: 'user', account: username.slice(0, slash), user: username.slice(slash + 1) };
  return { kind: 'user', user: username };
}
