import { allowedActions, parseScopes, RegistryTokenClaims, ResourceAccess, signRegistryToken } from '@swr/auth';
import { parseRepositoryName } from '@swr/oci';
import { randomUUID } from 'node:crypto';
import type { Authenticator } from './authenticator';
import { IamError } from './iam-error';
import type { KeyRing } from './key-ring';
import type { Organizations } from './organizations';
import type { AccessGraph } from './ports';
import type { Principal } from './principal';
import { isSyncPeer } from './sync-peer-logins';

export interface RegistryTokenSettings {
  readonly issuer: string;
  readonly service: string;
  readonly lifetimeSeconds: number;
}

export interface IssuedRegistryToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly issuedAt: string;
}

/**
 * The Docker token service: grants, for each requested scope, only the intersection of what was
 * asked and what the caller may do, and signs it into a short-lived token.
 */
export class RegistryTokenIssuer {
  constructor(
    /** Users' sign-ins, and other regions' sync workers'. */
    private readonly authenticator: Pick<Authenticator, 'dockerLogin'>,
    private readonly graph: AccessGraph,
    private readonly organizations: Pick<Organizations, 'claimOnPush'>,
    private readonly keys: KeyRing,
    private readonly settings: RegistryTokenSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async issue(request: { service: string; scopes: readonly string[]; username?: string; password?: string }): Promise<IssuedRegistryToken> {
    if (request.service !== this.settings.service) throw new IamError('IAM_INVALID_REQUEST', `unknown service ${request.service.slice(0, 100)}`);
    const caller = request.username === undefined ? undefined : await this.authenticator.dockerLogin(request.username, request.password ?? '');
    const access: ResourceAccess[] = [];
    for (const scope of parseScopes(request.scopes)) {
      if (scope.type === 'registry') {
        if (caller && !isSyncPeer(caller)) access.push({ type: 'registry', name: scope.name, actions: ['*'] });
        continue;
      }
      const actions = await this.grant(caller, scope.name, scope.actions);
      access.push({ type: 'repository', name: scope.name, actions });
    }
    const issuedAt = this.now();
    const iat = Math.floor(issuedAt.getTime() / 1000);
    const claims: RegistryTokenClaims = {
      iss: this.settings.issuer,
      sub: caller?.userId ?? '',
      aud: this.settings.service,
      iat,
      nbf: iat,
      exp: iat + this.settings.lifetimeSeconds,
      jti: randomUUID(),
      access,
      ...(caller ? { account: caller.accountId, name: caller.userName, account_name: caller.accountName } : {}),
    };
    return { token: signRegistryToken(claims, await this.keys.signingKey()), expiresIn: this.settings.lifetimeSeconds, issuedAt: issuedAt.toISOString() };
  }

  private async grant(caller: Principal | undefined, name: string, requested: readonly string[]): Promise<string[]> {
    const repository = { organization: parseRepositoryName(name).organization, name };
    const who = caller && { accountId: caller.accountId, userId: caller.userId };
    let facts = await this.graph.facts(repository, who);
    if (caller && facts.organizationOwner === undefined && requested.includes('push')) {
      // First push into a new organization: it may become the caller's account's, unless another account got there first.
      await this.organizations.claimOnPush(caller, repository.organization);
      facts = await this.graph.facts(repository, who);
    }
    const allowed = allowedActions(caller, facts);
    if (caller && isSyncPeer(caller)) allowed.delete('delete');
    return requested.filter((action) => allowed.has(action as never));
  }
}
