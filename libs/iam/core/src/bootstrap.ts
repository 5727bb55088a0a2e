import type { Directory } from './ports';
import { hashPassword, randomToken } from './secrets';

export interface OperatorAccount {
  readonly account: string;
  readonly user: string;
  /** Set from configuration, or generated: a generated one is shown once, on the start that created it. */
  readonly password?: string;
}

/** Creates the operator's account and its admin user on first start. Returns a generated password, once. */
export async function ensureOperatorAccount(directory: Directory, operator: OperatorAccount): Promise<{ generatedPassword?: string }> {
  if (await directory.findAccountByName(operator.account)) return {};
  const password = operator.password ?? randomToken(18);
  const created = await directory.createAccount(operator.account, { name: operator.user, passwordHash: await hashPassword(password) });
  // Another replica may have created it at the same moment: then it printed the password.
  return created && !operator.password ? { generatedPassword: password } : {};
}
