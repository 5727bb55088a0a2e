import type { UserRecord } from './ports';

/** The signed-in caller, as every IAM decision sees it. */
export interface Principal {
  readonly userId: string;
  readonly userName: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly isAdmin: boolean;
}

export function principalOf(user: UserRecord): Principal {
  return { userId: user.id, userName: user.name, accountId: user.accountId, accountName: user.accountName, isAdmin: user.isAdmin };
}
