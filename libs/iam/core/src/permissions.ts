import type { PermissionLevel } from '@swr/auth';
import { parseRepositoryName } from '@swr/oci';
import { IamError } from './iam-error';
import type { AccessGraph, Directory, Grant, GrantScope } from './ports';
import type { Principal } from './principal';

export interface UserGrant {
  readonly userId: string;
  readonly userName: string;
  readonly level: PermissionLevel;
}

export interface GrantsView {
  readonly name: string;
  /** The caller's own effective level there. */
  readonly self: UserGrant;
  readonly others: UserGrant[];
}

const LEVELS: readonly number[] = [1, 3, 7];

function organizationOf(repository: string): string {
  try {
    return parseRepositoryName(repository).organization;
  } catch {
    throw new IamError('IAM_INVALID_REQUEST', `invalid repository name ${repository.slice(0, 300)}`);
  }
}

/**
 * Organization and repository permissions as SWR defines them: levels 1 (read), 3 (write) and 7
 * (manage). Managing an organization's grants takes manage on it; a repository's, write on its
 * organization or manage on the repository. Grants go to users of the owning account, never to
 * oneself; another account's organizations are "not found".
 */
export class Permissions {
  constructor(
    private readonly graph: AccessGraph,
    private readonly directory: Directory,
  ) {}

  async view(caller: Principal, scope: GrantScope): Promise<GrantsView> {
    const self = { userId: caller.userId, userName: caller.userName, level: await this.levelOf(caller, scope) };
    const named = await Promise.all((await this.graph.listGrants(scope)).map((g) => this.named(g)));
    return { name: scope.name, self, others: named.filter((g) => g.userId !== caller.userId) };
  }

  async grant(caller: Principal, scope: GrantScope, grants: readonly Grant[], mode: 'add' | 'change'): Promise<void> {
    await this.mayManage(caller, scope);
    await this.checkGrantees(caller, grants);
    const clash = mode === 'add' ? await this.graph.addGrants(scope, grants) : await this.graph.changeGrants(scope, grants);
    if (clash) {
      throw mode === 'add'
        ? new IamError('IAM_CONFLICT', 'the permission already exists', { userIds: clash })
        : new IamError('IAM_NOT_FOUND', 'the permission does not exist', { userIds: clash });
    }
  }

  async revoke(caller: Principal, scope: GrantScope, userIds: readonly string[]): Promise<void> {
    await this.mayManage(caller, scope);
    await this.graph.removeGrants(scope, userIds);
  }

  /**
   * The caller's levels on the organization and (for a repository) the repository, with the
   * organization's id; "not found" when the organization is not the caller's account's or the
   * caller has no grant there.
   */
  private async levels(caller: Principal, scope: GrantScope): Promise<{ organization: number; repository: number; organizationId: number }> {
    const name = scope.kind === 'organization' ? scope.name : organizationOf(scope.name);
    const found = await this.graph.organization(name);
    const notFound = new IamError('IAM_NOT_FOUND', `organization ${name} not found`);
    if (found === undefined || found.accountId !== caller.accountId) throw notFound;
    if (caller.isAdmin) return { organization: 7, repository: 7, organizationId: found.id };
    const levels = {
      organization: (await this.graph.grantLevel({ kind: 'organization', name }, caller.userId)) ?? 0,
      repository: scope.kind === 'repository' ? ((await this.graph.grantLevel(scope, caller.userId)) ?? 0) : 0,
      organizationId: found.id,
    };
    if (Math.max(levels.organization, levels.repository) === 0) throw notFound;
    return levels;
  }

  async levelOf(caller: Principal, scope: GrantScope): Promise<PermissionLevel> {
    return (await this.standing(caller, scope)).level;
  }

  /** The caller's effective level there, and the id of the organization it is in. */
  async standing(caller: Principal, scope: GrantScope): Promise<{ level: PermissionLevel; organizationId: number }> {
    const { organization, repository, organizationId } = await this.levels(caller, scope);
    return { level: Math.max(organization, repository) as PermissionLevel, organizationId };
  }

  /** Sharing a repository with other accounts takes manage (7) on it or on its organization. */
  async assertManages(caller: Principal, repository: string): Promise<void> {
    const { organization, repository: level } = await this.levels(caller, { kind: 'repository', name: repository });
    if (organization !== 7 && level !== 7) throw new IamError('IAM_FORBIDDEN', `sharing ${repository} needs the manage permission`);
  }

  /** Reading a repository's shares takes any permission there. */
  async assertSees(caller: Principal, repository: string): Promise<void> {
    await this.levels(caller, { kind: 'repository', name: repository });
  }

  private async mayManage(caller: Principal, scope: GrantScope): Promise<void> {
    const { organization, repository } = await this.levels(caller, scope);
    const allowed = scope.kind === 'organization' ? organization === 7 : organization >= 3 || repository === 7;
    if (!allowed) throw new IamError('IAM_FORBIDDEN', `managing permissions on ${scope.name} needs the manage permission`);
  }

  private async checkGrantees(caller: Principal, grants: readonly Grant[]): Promise<void> {
    if (!grants.length) throw new IamError('IAM_INVALID_REQUEST', 'no permission given');
    for (const grant of grants) {
      if (!LEVELS.includes(grant.level)) throw new IamError('IAM_INVALID_REQUEST', 'auth must be 1, 3 or 7');
      if (grant.userId === caller.userId) throw new IamError('IAM_INVALID_REQUEST', 'a user cannot grant permissions to themselves');
      const user = await this.directory.findUser(grant.userId);
      if (!user || user.accountId !== caller.accountId) throw new IamError('IAM_INVALID_REQUEST', `no user ${grant.userId.slice(0, 64)} in this account`);
    }
  }

  private async named(grant: Grant): Promise<UserGrant> {
    const user = await this.directory.findUser(grant.userId);
    return { userId: grant.userId, userName: user?.name ?? '', level: grant.level };
  }
}
