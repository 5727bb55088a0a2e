export type RegistryAction = 'pull' | 'push' | 'delete';

export interface AccessRequest {
  readonly action: RegistryAction;
  /** The repository acted on; undefined for registry-wide requests (`/v2/`, the catalog). */
  readonly repository?: string;
  /** A catalog listing, which needs the `registry:catalog:*` scope. */
  readonly catalog?: boolean;
  /**
   * A cross-repository mount's source: the challenge asks for pull there too (as Distribution's
   * does), so that a client asking for exactly the challenged scope can mount in one round trip.
   * The request itself does not need it: without it the client simply uploads.
   */
  readonly mountFrom?: string;
  readonly authorization?: string;
  /** The token endpoint's URL as this client reaches it, for the challenge. */
  readonly realm: string;
}

/** Who a request that was let through comes from: the token's subject (a user id) and account, none when anonymous. */
export interface AccessGrant {
  /** The user id; none for anonymous callers. */
  readonly subject?: string;
  readonly account?: string;
  readonly userName?: string;
  readonly accountName?: string;
}

/**
 * The one place where the registry decides whether a request may proceed. Every `/v2/` route asks
 * it before doing anything; it throws an OciError (UNAUTHORIZED or DENIED) to refuse.
 */
export interface AccessPolicy {
  authorize(request: AccessRequest): Promise<AccessGrant>;
}

