import { IamError } from './iam-error';
import type { AccountRecord, Directory } from './ports';
import type { Principal } from './principal';
import { hashPassword } from './secrets';

/** Accounts (tenants): the operator account's admins create and disable the others. */
export class Accounts {
  constructor(
    private readonly directory: Directory,
    private readonly operatorAccount: string,
  ) {}

  async create(caller: Principal, name: string, admin: { name: string; password: string }): Promise<AccountRecord> {
    this.mustBeOperator(caller);
    const created = await this.directory.createAccount(name, { name: admin.name, passwordHash: await hashPassword(admin.password) });
    if (!created) throw new IamError('IAM_CONFLICT', `account ${name} already exists`);
    return created.account;
  }

  /** The operator sees every account; anyone else only their own. */
  async list(caller: Principal): Promise<AccountRecord[]> {
    const accounts = await this.directory.listAccounts();
    return this.isOperator(caller) ? accounts : accounts.filter((a) => a.id === caller.accountId);
  }

  async setEnabled(caller: Principal, id: string, enabled: boolean): Promise<AccountRecord> {
    this.mustBeOperator(caller);
    if (id === caller.accountId && !enabled) throw new IamError('IAM_FORBIDDEN', 'the operator account cannot be disabled');
    if (!(await this.directory.setAccountEnabled(id, enabled))) throw new IamError('IAM_NOT_FOUND', 'account not found');
    const account = (await this.directory.listAccounts()).find((a) => a.id === id);
    if (!account) throw new IamError('IAM_NOT_FOUND', 'account not found');
    return account;
  }

  /** The operator account's admins run the installation: accounts, garbage collection. */
  isOperator(caller: Principal): boolean {
    return caller.isAdmin && caller.accountName === this.operatorAccount;
  }

  private mustBeOperator(caller: Principal): void {
    if (!this.isOperator(caller)) throw new IamError('IAM_FORBIDDEN', 'only the operator account’s admins manage accounts');
  }
}
