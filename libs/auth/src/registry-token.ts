import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, randomUUID, sign, verify } from 'node:crypto';

/** What a registry token allows on one resource, in the Docker token spec's shape. */
export interface ResourceAccess {
  readonly type: 'repository' | 'registry';
  readonly name: string;
  readonly actions: readonly string[];
}

export interface RegistryTokenClaims {
  readonly iss: string;
  /** The user id; empty for an anonymous caller. */
  readonly sub: string;
  readonly aud: string;
  readonly exp: number;
  readonly nbf: number;
  readonly iat: number;
  readonly jti: string;
  readonly access: readonly ResourceAccess[];
  /** The caller's account (tenant) id, when signed in. */
  readonly account?: string;
  /** The user's and the account's names, for what the registry records about the caller's writes. */
  readonly name?: string;
  readonly account_name?: string;
}

export class TokenError extends Error {
  constructor(reason: string) {
    super(`invalid token: ${reason}`);
    this.name = 'TokenError';
  }
}

/** The only algorithm we sign with and the only one we accept: a token cannot choose its own. */
const ALGORITHM = 'EdDSA';
/** Header members that would let a token bring its own key or demand unknown processing. */
const FORBIDDEN_HEADERS = ['jwk', 'jku', 'x5c', 'x5u', 'x5t', 'crit'];
const CLOCK_LEEWAY_SECONDS = 30;

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid: randomUUID(), privateKey, publicKey };
}

/** PEM forms, for storage (private, encrypted by the caller) and distribution (public). */
export function exportSigningKey(key: SigningKey): { kid: string; privatePem: string; publicPem: string } {
  return {
    kid: key.kid,
    privatePem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function importSigningKey(kid: string, privatePem: string): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}

export function importVerificationKey(publicPem: string): KeyObject {
  const key = createPublicKey(publicPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('registry token keys are Ed25519');
  return key;
}

export function signRegistryToken(claims: RegistryTokenClaims, key: SigningKey): string {
  const header = base64url(JSON.stringify({ alg: ALGORITHM, typ: 'JWT', kid: key.kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign(null, Buffer.from(`${header}.${payload}`), key.privateKey);
  return `${header}.${payload}.${base64url(signature)}`;
}

export interface VerifyOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Seconds since the epoch. */
  readonly now: number;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new TokenError(`${what} is not a JSON object`);
}

/**
 * Checks a registry token against our own keys (chosen by `kid` among those we hold, never taken
 * from the token) and returns its claims. Throws TokenError for anything else.
 */
export function verifyRegistryToken(token: string, keys: ReadonlyMap<string, KeyObject>, options: VerifyOptions): RegistryTokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw new TokenError('malformed');
  const header = decodeJson(parts[0], 'header');
  if (header.alg !== ALGORITHM) throw new TokenError(`algorithm ${String(header.alg).slice(0, 20)} is not accepted`);
  const forbidden = FORBIDDEN_HEADERS.find((name) => name in header);
  if (forbidden) throw new TokenError(`header ${forbidden} is not accepted`);
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key) throw new TokenError('unknown signing key');
  if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'))) throw new TokenError('bad signature');

  const claims = decodeJson(parts[1], 'payload');
  if (claims.iss !== options.issuer) throw new TokenError('wrong issuer');
  if (claims.aud !== options.audience) throw new TokenError('wrong audience');
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_LEEWAY_SECONDS < options.now) throw new TokenError('expired');
  if (typeof claims.nbf !== 'number' || claims.nbf - CLOCK_LEEWAY_SECONDS > options.now) throw new TokenError('not yet valid');
  if (!Array.isArray(claims.access)) throw new TokenError('no access claim');
  return claims as unknown as RegistryTokenClaims;
}

/** Whether verified claims allow `action` on a repository. */
export function tokenAllows(claims: RegistryTokenClaims, repository: string, action: string): boolean {
  return claims.access.some((a) => a.type === 'repository' && a.name === repository && (a.actions.includes(action) || a.actions.includes('*')));
}
