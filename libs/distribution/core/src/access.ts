export type RegistryAction = 'pull' | 'push' | 'delete';

export interface AccessRequest {
  readonly action: RegistryAction;
  /** The repository acted on; undefined for registry-wide requests (`/v2/`, the catalog). */
  readonly repository?: string;
  readonly authorization?: string;
}

/**
 * The one place where the registry decides whether a request may proceed. Every `/v2/` route asks
 * it before doing anything; it throws an OciError (UNAUTHORIZED or DENIED) to refuse.
 */
export interface AccessPolicy {
  authorize(request: AccessRequest): Promise<void>;
}

/** Until IAM exists the registry is open: every request may proceed. */
export class OpenAccessPolicy implements AccessPolicy {
  async authorize(): Promise<void> {
    return;
  }
}
