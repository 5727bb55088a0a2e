import { importVerificationKey, RegistryTokenClaims, tokenAllows, TokenError, verifyRegistryToken } from '@swr/auth';
import { IamRpc, RpcClient } from '@swr/contracts';
import { OciError } from '@swr/oci';
import type { KeyObject } from 'node:crypto';
import type { AccessGrant, AccessPolicy, AccessRequest } from './access';

/** UNAUTHORIZED with the Bearer challenge that tells the client where to get a token, and for what. */
export class ChallengeError extends OciError {
  constructor(
    message: string,
    readonly challenge: string,
    /** Who was refused, when the token was valid but did not allow the request (the audit trail names them). */
    readonly refused?: AccessGrant,
  ) {
    super('UNAUTHORIZED', message);
  }
}

/**
 * The keys IAM signs registry tokens with, fetched from IAM and refetched (at most every few
 * seconds) when a token names a new one. Requests that find a key missing while a fetch is on its
 * way wait for that fetch: at start-up, a burst of clients must not be refused because the first
 * of them has not got the keys yet.
 */
export class VerificationKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private fetching?: Promise<boolean>;

  constructor(
    private readonly iam: RpcClient,
    private readonly minRefreshMs = 5_000,
  ) {}

  current(): ReadonlyMap<string, KeyObject> {
    return this.keys;
  }

  /** True when new keys were fetched (by this call or by the fetch it waited for). */
  refresh(): Promise<boolean> {
    if (this.fetching) return this.fetching;
    if (Date.now() - this.fetchedAt < this.minRefreshMs) return Promise.resolve(false);
    this.fetchedAt = Date.now();
    this.fetching = this.fetch().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetch(): Promise<boolean> {
    try {
      const { keys } = await this.iam.call(IamRpc.signingKeysList, {});
      this.keys = new Map(keys.map((k) => [k.kid, importVerificationKey(k.publicPem)]));
      return true;
    } catch (error) {
      // IAM did not answer: the next request may ask again at once.
      this.fetchedAt = 0;
      throw error;
    }
  }
}

export interface TokenPolicySettings {
  readonly issuer: string;
  readonly service: string;
  /** Told whether each token was found verified already, for metrics. */
  readonly onCacheLookup?: (result: 'hit' | 'miss') => void;
}

const MAX_CACHED_TOKENS = 2_000;

/**
 * Registry access by Docker token auth: every request carries a token signed by IAM, checked here
 * without a round trip. A verified token is remembered (until it expires) so that the signature
 * is checked once per token, not once per request; nothing outlives the token's own life.
 */
export class TokenAccessPolicy implements AccessPolicy {
  /**
   * Verified tokens by their signature: a token names every repository it grants, so it can run
   * to kilobytes, and a map keyed by the whole token hashes all of it on every request (a 3 KB
   * token: 2.5 us of each request's CPU, measured). A hit is taken only for the very token that
   * was verified.
   */
  private readonly verified = new Map<string, { token: string; claims: RegistryTokenClaims }>();

  constructor(
    private readonly keys: VerificationKeys,
    private readonly settings: TokenPolicySettings,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async authorize(request: AccessRequest): Promise<AccessGrant> {
    const challenge = (error?: string) => {
      const scope = scopeOf(request);
      return [`Bearer realm="${request.realm}"`, `service="${this.settings.service}"`, ...(scope ? [`scope="${scope}"`] : []), ...(error ? [`error="${error}"`] : [])].join(',');
    };
    const token = /^Bearer\s+(\S+)$/i.exec(request.authorization ?? '')?.[1];
    if (!token) throw new ChallengeError('authentication required', challenge());
    let claims: RegistryTokenClaims;
    try {
      claims = this.remembered(token) ?? (await this.verify(token));
    } catch (error) {
      if (error instanceof TokenError) throw new ChallengeError(error.message, challenge('invalid_token'));
      throw error;
    }
    const allowed = request.repository
      ? tokenAllows(claims, request.repository, request.action)
      : !request.catalog || claims.access.some((a) => a.type === 'registry' && a.name === 'catalog');
    const grant: AccessGrant = { subject: claims.sub || undefined, account: claims.account, userName: claims.name, accountName: claims.account_name };
    if (!allowed) throw new ChallengeError('requested access to the resource is denied', challenge('insufficient_scope'), grant);
    return grant;
  }

  /** The claims of a token verified before that has not expired: most requests, answered without waiting. */
  private remembered(token: string): RegistryTokenClaims | undefined {
    const cached = this.verified.get(signatureOf(token));
    if (cached === undefined || cached.token !== token || cached.claims.exp <= this.nowSeconds()) return undefined;
    this.settings.onCacheLookup?.('hit');
    return cached.claims;
  }

  private async verify(token: string): Promise<RegistryTokenClaims> {
    this.settings.onCacheLookup?.('miss');
    const now = this.nowSeconds();
    const key = signatureOf(token);
    // An expired token of ours goes; another's entry stays whatever a token that borrows its signature says.
    if (this.verified.get(key)?.token === token) this.verified.delete(key);
    const check = () => verifyRegistryToken(token, this.keys.current(), { issuer: this.settings.issuer, audience: this.settings.service, now });
    let claims: RegistryTokenClaims;
    try {
      claims = check();
    } catch (error) {
      // A key we have not seen yet (first request, or IAM rotated): fetch the keys once and retry.
      if (!(error instanceof TokenError && error.message.includes('unknown signing key') && (await this.keys.refresh()))) throw error;
      claims = check();
    }
    if (this.verified.size >= MAX_CACHED_TOKENS) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(key, { token, claims });
    return claims;
  }
}

/** The challenge's scope: Distribution writes several in one parameter, separated by spaces. */
function scopeOf(request: AccessRequest): string | undefined {
  if (request.catalog) return 'registry:catalog:*';
  if (!request.repository) return undefined;
  const scope = `repository:${request.repository}:${request.action === 'push' ? 'pull,push' : request.action}`;
  return request.mountFrom ? `${scope} repository:${request.mountFrom}:pull` : scope;
}

/** The last of a token's dot-separated parts: a JWT's signature (a malformed token is its own). */
function signatureOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}
