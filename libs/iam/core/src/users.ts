import { IamError } from './iam-error';
import type { Directory, UserRecord } from './ports';
import type { Principal } from './principal';
import { hashPassword } from './secrets';

const notFound = () => new IamError('IAM_NOT_FOUND', 'user not found');

/**
 * IAM users inside an account. An account's admins manage its users; a user sees and changes only
 * their own password. Users of other accounts are "not found", never "forbidden".
 */
export class Users {
  constructor(private readonly directory: Directory) {}

  async create(caller: Principal, user: { name: string; password: string; enabled?: boolean }): Promise<UserRecord> {
    if (!caller.isAdmin) throw new IamError('IAM_FORBIDDEN', 'only an account admin creates users');
    const created = await this.directory.createUser(caller.accountId, { name: user.name, passwordHash: await hashPassword(user.password), isAdmin: false });
    if (!created) throw new IamError('IAM_CONFLICT', `user ${user.name} already exists`);
    return user.enabled === false ? ((await this.directory.updateUser(created.id, { enabled: false })) ?? created) : created;
  }

  async list(caller: Principal): Promise<UserRecord[]> {
    const users = await this.directory.listUsers(caller.accountId);
    return caller.isAdmin ? users : users.filter((u) => u.id === caller.userId);
  }

  async get(caller: Principal, id: string): Promise<UserRecord> {
    return this.visible(caller, id);
  }

  async update(caller: Principal, id: string, change: { password?: string; enabled?: boolean }): Promise<UserRecord> {
    const user = await this.visible(caller, id);
    if (change.enabled !== undefined) {
      if (!caller.isAdmin) throw new IamError('IAM_FORBIDDEN', 'only an account admin enables or disables users');
      if (user.id === caller.userId && !change.enabled) throw new IamError('IAM_FORBIDDEN', 'an admin cannot disable themselves');
    }
    const updated = await this.directory.updateUser(id, {
      enabled: change.enabled,
      passwordHash: change.password === undefined ? undefined : await hashPassword(change.password),
    });
    if (!updated) throw notFound();
    return updated;
  }

  async delete(caller: Principal, id: string): Promise<void> {
    const user = await this.visible(caller, id);
    if (!caller.isAdmin) throw new IamError('IAM_FORBIDDEN', 'only an account admin deletes users');
    if (user.isAdmin) throw new IamError('IAM_FORBIDDEN', 'an account’s admin cannot be deleted');
    await this.directory.deleteUser(id);
  }

  private async visible(caller: Principal, id: string): Promise<UserRecord> {
    const user = await this.directory.findUser(id);
    if (!user || user.accountId !== caller.accountId || (!caller.isAdmin && user.id !== caller.userId)) throw notFound();
    return user;
  }
}
