import type { PermissionLevel } from '@swr/auth';
import { IamError } from './iam-error';
import type { Permissions } from './permissions';
import type { AccessGraph, OrganizationListing, OrganizationStore } from './ports';
import type { Principal } from './principal';

/** SWR's organization name rule: a lowercase letter first; `.`, `_`/`__` or dashes only between letters and digits. */
const ORGANIZATION_NAME = /^[a-z][a-z0-9]*(?:(?:\.|_{1,2}|-+)[a-z0-9]+)*$/;
const RESERVED = new Set(['library']);

/** Why a name cannot be an organization's, or undefined when it can. */
export function organizationNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 64) return 'an organization name has 1 to 64 characters';
  if (!ORGANIZATION_NAME.test(name)) {
    return 'an organization name starts with a lowercase letter, ends with a letter or digit, and holds only a-z, 0-9 and single ".", "_", "__" or "-" separators';
  }
  if (RESERVED.has(name)) return `${name} is reserved`;
  return undefined;
}

/**
 * Organizations (SWR namespaces): globally unique names, owned by the creating account, at most
 * `limit` per account. A non-admin creator manages what they create; deleting takes manage.
 */
export class Organizations {
  constructor(
    private readonly store: OrganizationStore,
    private readonly graph: AccessGraph,
    private readonly permissions: Permissions,
    private readonly limit: number,
  ) {}

  async create(caller: Principal, name: string): Promise<OrganizationListing> {
    const problem = organizationNameProblem(name);
    if (problem) throw new IamError('IAM_INVALID_REQUEST', problem, { field: 'namespace' });
    const outcome = await this.store.create({ name, accountId: caller.accountId, creatorName: caller.userName, byPush: false }, this.limit);
    if (outcome === 'exists') throw new IamError('IAM_CONFLICT', `organization ${name} already exists`);
    if (outcome === 'quota') throw new IamError('IAM_QUOTA_EXCEEDED', `an account may hold at most ${this.limit} organizations`);
    if (!caller.isAdmin) await this.graph.addGrants({ kind: 'organization', name }, [{ userId: caller.userId, level: 7 }]);
    return this.get(caller, name);
  }

  /**
   * The first push of an admin into an organization nobody owns creates it for the admin's account,
   * as `docker push` users expect; the name rule and the quota still hold.
   */
  async claimOnPush(caller: Principal, name: string): Promise<void> {
    if (!caller.isAdmin || organizationNameProblem(name)) return;
    await this.store.create({ name, accountId: caller.accountId, creatorName: caller.userName, byPush: true }, this.limit);
  }

  list(caller: Principal, filter: { name?: string; visible: boolean }): Promise<OrganizationListing[]> {
    return this.store.listFor(caller, filter);
  }

  async get(caller: Principal, name: string): Promise<OrganizationListing> {
    const [found] = (await this.store.listFor(caller, { visible: true })).filter((o) => o.name === name);
    if (!found) throw new IamError('IAM_NOT_FOUND', `organization ${name.slice(0, 64)} not found`);
    return found;
  }

  /** The metadata service has confirmed it holds no repositories before this is called. */
  async delete(caller: Principal, name: string): Promise<void> {
    await this.assertLevel(caller, { kind: 'organization', name }, 7);
    await this.store.remove(name);
  }

  async quota(caller: Principal): Promise<{ used: number; limit: number }> {
    return { used: await this.store.count(caller.accountId), limit: this.limit };
  }

  visibleScope(caller: Principal) {
    return this.store.visibleScope(caller);
  }

  /**
   * The caller's level on an organization or repository, and the organization's id; "not found"
   * when it is another account's or the caller has no grant there.
   */
  standing(caller: Principal, scope: { kind: 'organization' | 'repository'; name: string }): Promise<{ level: PermissionLevel; organizationId: number }> {
    return this.permissions.standing(caller, scope);
  }

  async setPublic(caller: Principal, repository: string, isPublic: boolean): Promise<void> {
    await this.assertLevel(caller, { kind: 'repository', name: repository }, 3);
    await this.graph.setPublic(repository, isPublic);
  }

  async forgetRepository(caller: Principal, repository: string): Promise<void> {
    await this.assertLevel(caller, { kind: 'repository', name: repository }, 7);
    await this.graph.forgetRepository(repository);
  }

  private async assertLevel(caller: Principal, scope: { kind: 'organization' | 'repository'; name: string }, needed: PermissionLevel): Promise<void> {
    if ((await this.permissions.levelOf(caller, scope)) < needed) {
      throw new IamError('IAM_FORBIDDEN', `this needs the ${needed === 7 ? 'manage' : 'write'} permission on ${scope.name}`);
    }
  }
}
