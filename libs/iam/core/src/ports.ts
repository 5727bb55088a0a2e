import type { PermissionLevel, RepositoryAccessFacts } from '@swr/auth';

export interface AccountRecord {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly createdAt: Date;
}

export interface UserRecord {
  readonly id: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly isAdmin: boolean;
  /** False when the user or the user's account is disabled. */
  readonly enabled: boolean;
  readonly createdAt: Date;
}

export interface AccessKeyRecord {
  readonly access: string;
  readonly userId: string;
  /** The SK, sealed with the configured encryption key. */
  readonly sealedSecret: string;
  readonly status: 'active' | 'inactive';
  readonly description: string;
  readonly createdAt: Date;
}

export interface TemporarySecretRecord {
  readonly access: string;
  readonly userId: string;
  readonly passwordHash: string;
  readonly expiresAt: Date;
}

export interface SigningKeyRecord {
  readonly kid: string;
  readonly sealedPrivateKey: string;
  readonly publicPem: string;
  readonly createdAt: Date;
}

export type LoginMethod = 'password' | 'access-key';

/** A sign-in as it is recorded: what was tried, how, and why it failed (when it did). */
export interface LoginAttempt {
  readonly method: LoginMethod;
  readonly reason?: string;
}

/** Accounts (tenants) and their IAM users. */
export interface Directory {
  /** Creates an account and its admin user together; undefined when the account name is taken. */
  createAccount(name: string, admin: { name: string; passwordHash: string }): Promise<{ account: AccountRecord; admin: UserRecord } | undefined>;
  findAccountByName(name: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;
  setAccountEnabled(id: string, enabled: boolean): Promise<boolean>;
  /** Undefined when the name is taken in the account. */
  createUser(accountId: string, user: { name: string; passwordHash: string; isAdmin: boolean }): Promise<UserRecord | undefined>;
  findUser(id: string): Promise<UserRecord | undefined>;
  /** Users of that name: in one account when given, else in every account. */
  findUsersByName(name: string, accountName?: string): Promise<UserRecord[]>;
  listUsers(accountId: string): Promise<UserRecord[]>;
  updateUser(id: string, change: { passwordHash?: string; enabled?: boolean }): Promise<UserRecord | undefined>;
  deleteUser(id: string): Promise<boolean>;
}

/** Everything a caller can sign in with, and the record of failed attempts. */
export interface Credentials {
  createAccessKey(key: AccessKeyRecord): Promise<void>;
  findAccessKey(access: string): Promise<AccessKeyRecord | undefined>;
  listAccessKeys(userId: string): Promise<AccessKeyRecord[]>;
  setAccessKeyStatus(access: string, status: AccessKeyRecord['status']): Promise<boolean>;
  deleteAccessKey(access: string): Promise<boolean>;
  createTemporarySecret(secret: TemporarySecretRecord): Promise<void>;
  findTemporarySecret(access: string): Promise<TemporarySecretRecord | undefined>;
  createApiToken(tokenHash: string, userId: string, expiresAt: Date): Promise<void>;
  findApiToken(tokenHash: string): Promise<{ userId: string; expiresAt: Date } | undefined>;
  /** Counts (and records) a failed sign-in for `subject`; returns the failures within the window, this one included. */
  recordLoginFailure(subject: string, windowStart: Date, attempt: LoginAttempt): Promise<number>;
  lockedUntil(subject: string): Promise<Date | undefined>;
  lock(subject: string, until: Date): Promise<void>;
  /** Records a successful sign-in of `user`, clearing the failures counted against `subject`. */
  recordLogin(subject: string, user: UserRecord, attempt: LoginAttempt): Promise<void>;
}

export interface SigningKeys {
  newest(): Promise<SigningKeyRecord | undefined>;
  all(): Promise<SigningKeyRecord[]>;
  add(key: SigningKeyRecord): Promise<void>;
}

export interface Grant {
  readonly userId: string;
  readonly level: PermissionLevel;
}

export interface ShareRecord {
  readonly repository: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly permit: 'read';
  /** The first instant the share no longer holds; undefined for `forever`. */
  readonly endsAt?: Date;
  readonly description: string;
  readonly creatorId: string;
  readonly creatorName: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewShare = Pick<ShareRecord, 'repository' | 'accountId' | 'permit' | 'endsAt' | 'description' | 'creatorId' | 'creatorName'>;

/** A share seen from one account: a repository it shares out, or one shared with it. */
export interface AccountShare {
  readonly repository: string;
  /** The other side: the grantee for shares out, the owner for shares in. */
  readonly otherAccountName: string;
  readonly endsAt?: Date;
}

/** Private repositories shared with other accounts, pull only, until a deadline. */
export interface ShareStore {
  /** Shares of repositories in the account's organizations. */
  listSharedBy(accountId: string): Promise<AccountShare[]>;
  /** Shares other accounts made with this one. */
  listSharedWith(accountId: string): Promise<AccountShare[]>;
  /** False when the repository is already shared with that account. */
  add(share: NewShare): Promise<boolean>;
  list(repository: string): Promise<ShareRecord[]>;
  find(repository: string, accountName: string): Promise<ShareRecord | undefined>;
  update(repository: string, accountId: string, change: Pick<ShareRecord, 'permit' | 'endsAt' | 'description'>): Promise<boolean>;
  remove(repository: string, accountId: string): Promise<boolean>;
  count(repository: string): Promise<number>;
}

/** What a permission is on: a whole organization, or one repository (`org/repo`). */
export interface GrantScope {
  readonly kind: 'organization' | 'repository';
  readonly name: string;
}

/** Who owns which organization, who may do what in it, and which repositories are public or shared. */
export interface AccessGraph {
  /** Facts for the registry's access decision about `repository`, seen from the caller. */
  facts(repository: { organization: string; name: string }, caller?: { accountId: string; userId: string }): Promise<RepositoryAccessFacts>;
  /** The same facts for many repositories at once, in the order given. */
  factsOfMany(repositories: readonly string[], caller?: { accountId: string; userId: string }): Promise<RepositoryAccessFacts[]>;
  /** The organization's id (the one every API shows) and owning account; undefined when nobody owns it. */
  organization(organization: string): Promise<{ id: number; accountId: string } | undefined>;
  grantLevel(scope: GrantScope, userId: string): Promise<PermissionLevel | undefined>;
  listGrants(scope: GrantScope): Promise<Grant[]>;
  /** Adds grants; none is written when one of the users already has a grant there (the ids are returned). */
  addGrants(scope: GrantScope, grants: readonly Grant[]): Promise<string[] | undefined>;
  /** Changes existing grants; none is written when one of the users has none there (the ids are returned). */
  changeGrants(scope: GrantScope, grants: readonly Grant[]): Promise<string[] | undefined>;
  removeGrants(scope: GrantScope, userIds: readonly string[]): Promise<void>;
  setPublic(repository: string, isPublic: boolean): Promise<void>;
  isPublic(repository: string): Promise<boolean>;
  /** Drops every grant, share and public flag of a deleted repository. */
  forgetRepository(repository: string): Promise<void>;
}

export interface OrganizationRecord {
  readonly id: number;
  readonly name: string;
  readonly accountId: string;
  readonly creatorName: string;
}

export interface OrganizationListing extends OrganizationRecord {
  /** The user's level there: the organization grant, or the best repository grant inside it. */
  readonly level: PermissionLevel;
  readonly accessUserCount: number;
}

/** Organizations: who owns each, and what a user sees of them. */
export interface OrganizationStore {
  /** Creates it unless the name is taken or the account already holds `limit` organizations (checked under a lock on the account). */
  create(organization: { name: string; accountId: string; creatorName: string; byPush: boolean }, limit: number): Promise<'created' | 'exists' | 'quota'>;
  find(name: string): Promise<OrganizationRecord | undefined>;
  /** The account's organizations the user holds a grant on (all of them for an admin); with `visible`, also those where the user holds only repository grants. */
  listFor(user: { accountId: string; userId: string; isAdmin: boolean }, filter: { name?: string; visible: boolean }): Promise<OrganizationListing[]>;
  /** Removes it with every grant, share and public flag inside it. */
  remove(name: string): Promise<boolean>;
  count(accountId: string): Promise<number>;
  /** What the user may list: whole organizations, and single repositories granted to them. */
  visibleScope(user: { accountId: string; userId: string; isAdmin: boolean }): Promise<{ organizations: string[]; repositories: string[] }>;
}
