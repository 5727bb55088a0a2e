import { IamError } from './iam-error';
import type { Permissions } from './permissions';
import type { AccessGraph, AccountShare, Directory, ShareRecord, ShareStore } from './ports';
import type { Principal } from './principal';

export const MAX_SHARES_PER_REPOSITORY = 500;
const DAY_MS = 86_400_000;

export interface ShareTerms {
  readonly permit: string;
  /** `forever`, or a UTC date or timestamp: the share holds through that whole day. */
  readonly deadline: string;
  readonly description?: string;
}

/** The end of a share: the start of the (UTC) day after its deadline; undefined for `forever`. */
export function shareEnd(deadline: string): Date | undefined {
  if (deadline === 'forever') return undefined;
  const instant = Date.parse(deadline);
  if (!/^\d{4}-\d{2}-\d{2}/.test(deadline) || Number.isNaN(instant)) throw new IamError('IAM_INVALID_REQUEST', 'deadline must be "forever" or a UTC date such as 2030-10-01T00:00:00Z');
  return new Date(Math.floor(instant / DAY_MS) * DAY_MS + DAY_MS);
}

/** A share's deadline as SWR shows it: `forever`, or the last day it holds. */
export function shareDeadline(share: Pick<ShareRecord, 'endsAt'>): string {
  return share.endsAt ? new Date(share.endsAt.getTime() - DAY_MS).toISOString().replace('.000Z', 'Z') : 'forever';
}

/**
 * Sharing a private repository with other accounts: pull only, until the end of a deadline day,
 * at most 500 accounts per repository, by those who manage it.
 */
export class Shares {
  constructor(
    private readonly store: ShareStore,
    private readonly directory: Directory,
    private readonly permissions: Permissions,
    private readonly graph: Pick<AccessGraph, 'isPublic'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(caller: Principal, repository: string, accountName: string, terms: ShareTerms): Promise<ShareRecord> {
    await this.permissions.assertManages(caller, repository);
    const endsAt = this.checkTerms(terms);
    const account = await this.directory.findAccountByName(accountName);
    if (!account) throw new IamError('IAM_INVALID_REQUEST', `no account ${accountName.slice(0, 64)}`);
    if (account.id === caller.accountId) throw new IamError('IAM_INVALID_REQUEST', 'a repository is not shared with its own account');
    if (await this.graph.isPublic(repository)) throw new IamError('IAM_INVALID_REQUEST', `${repository} is public: everyone may pull it already`);
    if ((await this.store.count(repository)) >= MAX_SHARES_PER_REPOSITORY) {
      throw new IamError('IAM_INVALID_REQUEST', `a repository can be shared with at most ${MAX_SHARES_PER_REPOSITORY} accounts`);
    }
    const added = await this.store.add({
      repository,
      accountId: account.id,
      permit: 'read',
      endsAt,
      description: terms.description ?? '',
      creatorId: caller.userId,
      creatorName: caller.userName,
    });
    if (!added) throw new IamError('IAM_CONFLICT', `${repository} is already shared with ${accountName}`);
    return this.get(caller, repository, accountName);
  }

  async list(caller: Principal, repository: string): Promise<ShareRecord[]> {
    await this.permissions.assertSees(caller, repository);
    return this.store.list(repository);
  }

  async get(caller: Principal, repository: string, accountName: string): Promise<ShareRecord> {
    await this.permissions.assertSees(caller, repository);
    const share = await this.store.find(repository, accountName);
    if (!share) throw new IamError('IAM_NOT_FOUND', `${repository} is not shared with ${accountName.slice(0, 64)}`);
    return share;
  }

  async update(caller: Principal, repository: string, accountName: string, terms: ShareTerms): Promise<ShareRecord> {
    await this.permissions.assertManages(caller, repository);
    const endsAt = this.checkTerms(terms);
    const share = await this.get(caller, repository, accountName);
    await this.store.update(repository, share.accountId, { permit: 'read', endsAt, description: terms.description ?? '' });
    return this.get(caller, repository, accountName);
  }

  async delete(caller: Principal, repository: string, accountName: string): Promise<void> {
    await this.permissions.assertManages(caller, repository);
    const share = await this.get(caller, repository, accountName);
    await this.store.remove(repository, share.accountId);
  }

  /** The caller's account's shares: `self` those it made, `thirdparty` those made with it. */
  async ofAccount(caller: Principal, center: 'self' | 'thirdparty'): Promise<Array<AccountShare & { active: boolean }>> {
    const shares = center === 'self' ? await this.store.listSharedBy(caller.accountId) : await this.store.listSharedWith(caller.accountId);
    return shares.map((s) => ({ ...s, active: this.isActive(s) }));
  }

  /** Whether a share still holds now. */
  isActive(share: Pick<ShareRecord, 'endsAt'>): boolean {
    return share.endsAt === undefined || share.endsAt > this.now();
  }

  private checkTerms(terms: ShareTerms): Date | undefined {
    if (terms.permit !== 'read') throw new IamError('IAM_INVALID_REQUEST', 'permit must be "read": shares allow pulling only');
    if ((terms.description ?? '').length > 1000) throw new IamError('IAM_INVALID_REQUEST', 'description is at most 1000 characters');
    return shareEnd(terms.deadline);
  }
}
