import { Controller, Inject } from '@nestjs/common';
import { AccessKeyViewPayload, AccountView, IamRpc, OrganizationView, RequestOf, ShareView, UserView } from '@swr/contracts';
import {
  AccessKeys,
  AccessKeyView,
  AccountRecord,
  Accounts,
  ApiTokens,
  KeyRing,
  LoginSecrets,
  OrganizationListing,
  Organizations,
  Permissions,
  RegistryTokenIssuer,
  ShareRecord,
  shareDeadline,
  Shares,
  UserRecord,
  Users,
  Visibility,
} from '@swr/iam-core';
import { Handles } from '@swr/messaging';
import { IAM_SETTINGS, IamSettings } from './iam-settings';

type Req<K extends keyof typeof IamRpc> = RequestOf<(typeof IamRpc)[K]>;

const userView = (u: UserRecord): UserView => ({ id: u.id, name: u.name, accountId: u.accountId, enabled: u.enabled, isAdmin: u.isAdmin, createdAt: u.createdAt.toISOString() });
const accountView = (a: AccountRecord): AccountView => ({ id: a.id, name: a.name, enabled: a.enabled, createdAt: a.createdAt.toISOString() });
const shareView = (s: ShareRecord, active: boolean): ShareView => ({
  repository: s.repository,
  accessDomain: s.accountName,
  permit: s.permit,
  deadline: shareDeadline(s),
  description: s.description,
  creatorId: s.creatorId,
  creatorName: s.creatorName,
  created: s.createdAt.toISOString(),
  updated: s.updatedAt.toISOString(),
  active,
});
const organizationView = (o: OrganizationListing): OrganizationView => ({ id: o.id, name: o.name, creatorName: o.creatorName, level: o.level, accessUserCount: o.accessUserCount });
const keyView = (k: AccessKeyView): AccessKeyViewPayload => ({ access: k.access, userId: k.userId, status: k.status, description: k.description, createdAt: k.createdAt.toISOString() });

/** The IAM service's request/reply surface: parse (done by @Handles), call, shape the answer. */
@Controller()
export class IamRpcController {
  constructor(
    @Inject(RegistryTokenIssuer) private readonly issuer: RegistryTokenIssuer,
    @Inject(KeyRing) private readonly keys: KeyRing,
    @Inject(ApiTokens) private readonly apiTokens: ApiTokens,
    @Inject(Accounts) private readonly accounts: Accounts,
    @Inject(Users) private readonly users: Users,
    @Inject(AccessKeys) private readonly accessKeys: AccessKeys,
    @Inject(LoginSecrets) private readonly loginSecrets: LoginSecrets,
    @Inject(Permissions) private readonly permissions: Permissions,
    @Inject(Shares) private readonly shares: Shares,
    @Inject(Visibility) private readonly visibility: Visibility,
    @Inject(Organizations) private readonly organizations: Organizations,
    @Inject(IAM_SETTINGS) private readonly settings: IamSettings,
  ) {}

  @Handles(IamRpc.registryTokenIssue)
  registryTokenIssue(req: Req<'registryTokenIssue'>) {
    return this.issuer.issue(req);
  }

  @Handles(IamRpc.repositoriesVisible)
  async repositoriesVisible(req: Req<'repositoriesVisible'>) {
    return { names: await this.visibility.visible(req.names, req.userId) };
  }

  @Handles(IamRpc.signingKeysList)
  async signingKeysList() {
    return { issuer: this.settings.issuer, service: this.settings.service, keys: await this.keys.publicKeys() };
  }

  @Handles(IamRpc.apiTokenIssue)
  async apiTokenIssue(req: Req<'apiTokenIssue'>) {
    const issued = await this.apiTokens.issue(req.userName, req.password, req.accountName);
    return { token: issued.token, issuedAt: issued.issuedAt.toISOString(), expiresAt: issued.expiresAt.toISOString(), caller: issued.principal };
  }

  @Handles(IamRpc.apiTokenVerify)
  apiTokenVerify(req: Req<'apiTokenVerify'>) {
    return this.apiTokens.verify(req.token);
  }

  @Handles(IamRpc.signatureVerify)
  signatureVerify(req: Req<'signatureVerify'>) {
    return this.accessKeys.verifySignature(req.accessKey, req.stringsToSign, req.signature);
  }

  @Handles(IamRpc.accountCreate)
  async accountCreate(req: Req<'accountCreate'>) {
    return accountView(await this.accounts.create(req.caller, req.name, req.admin));
  }

  @Handles(IamRpc.operatorCheck)
  operatorCheck(req: Req<'operatorCheck'>) {
    return { operator: this.accounts.isOperator(req.caller) };
  }

  @Handles(IamRpc.accountList)
  async accountList(req: Req<'accountList'>) {
    return { accounts: (await this.accounts.list(req.caller)).map(accountView) };
  }

  @Handles(IamRpc.accountSetEnabled)
  async accountSetEnabled(req: Req<'accountSetEnabled'>) {
    return accountView(await this.accounts.setEnabled(req.caller, req.id, req.enabled));
  }

  @Handles(IamRpc.userCreate)
  async userCreate(req: Req<'userCreate'>) {
    return userView(await this.users.create(req.caller, req));
  }

  @Handles(IamRpc.userList)
  async userList(req: Req<'userList'>) {
    return { users: (await this.users.list(req.caller)).map(userView) };
  }

  @Handles(IamRpc.userGet)
  async userGet(req: Req<'userGet'>) {
    return userView(await this.users.get(req.caller, req.id));
  }

  @Handles(IamRpc.userUpdate)
  async userUpdate(req: Req<'userUpdate'>) {
    return userView(await this.users.update(req.caller, req.id, req));
  }

  @Handles(IamRpc.userDelete)
  async userDelete(req: Req<'userDelete'>) {
    await this.users.delete(req.caller, req.id);
    return {};
  }

  @Handles(IamRpc.accessKeyCreate)
  async accessKeyCreate(req: Req<'accessKeyCreate'>) {
    const created = await this.accessKeys.create(req.caller, req.userId, req.description);
    return { ...keyView(created), secret: created.secret };
  }

  @Handles(IamRpc.accessKeyList)
  async accessKeyList(req: Req<'accessKeyList'>) {
    return { keys: (await this.accessKeys.list(req.caller, req.userId)).map(keyView) };
  }

  @Handles(IamRpc.accessKeySetStatus)
  async accessKeySetStatus(req: Req<'accessKeySetStatus'>) {
    return keyView(await this.accessKeys.setStatus(req.caller, req.access, req.status));
  }

  @Handles(IamRpc.accessKeyDelete)
  async accessKeyDelete(req: Req<'accessKeyDelete'>) {
    await this.accessKeys.delete(req.caller, req.access);
    return {};
  }

  @Handles(IamRpc.grantsView)
  grantsView(req: Req<'grantsView'>) {
    return this.permissions.view(req.caller, req.scope);
  }

  @Handles(IamRpc.grantsSet)
  async grantsSet(req: Req<'grantsSet'>) {
    await this.permissions.grant(req.caller, req.scope, req.grants, req.mode);
    return {};
  }

  @Handles(IamRpc.grantsRevoke)
  async grantsRevoke(req: Req<'grantsRevoke'>) {
    await this.permissions.revoke(req.caller, req.scope, req.userIds);
    return {};
  }

  @Handles(IamRpc.shareCreate)
  async shareCreate(req: Req<'shareCreate'>) {
    const share = await this.shares.create(req.caller, req.repository, req.accessDomain, req);
    return shareView(share, this.shares.isActive(share));
  }

  @Handles(IamRpc.shareList)
  async shareList(req: Req<'shareList'>) {
    return { shares: (await this.shares.list(req.caller, req.repository)).map((s) => shareView(s, this.shares.isActive(s))) };
  }

  @Handles(IamRpc.shareGet)
  async shareGet(req: Req<'shareGet'>) {
    const share = await this.shares.get(req.caller, req.repository, req.accessDomain);
    return shareView(share, this.shares.isActive(share));
  }

  @Handles(IamRpc.shareUpdate)
  async shareUpdate(req: Req<'shareUpdate'>) {
    const share = await this.shares.update(req.caller, req.repository, req.accessDomain, req);
    return shareView(share, this.shares.isActive(share));
  }

  @Handles(IamRpc.shareDelete)
  async shareDelete(req: Req<'shareDelete'>) {
    await this.shares.delete(req.caller, req.repository, req.accessDomain);
    return {};
  }

  @Handles(IamRpc.organizationCreate)
  async organizationCreate(req: Req<'organizationCreate'>) {
    return organizationView(await this.organizations.create(req.caller, req.name));
  }

  @Handles(IamRpc.organizationList)
  async organizationList(req: Req<'organizationList'>) {
    return { organizations: (await this.organizations.list(req.caller, req)).map(organizationView) };
  }

  @Handles(IamRpc.organizationGet)
  async organizationGet(req: Req<'organizationGet'>) {
    return organizationView(await this.organizations.get(req.caller, req.name));
  }

  @Handles(IamRpc.organizationDelete)
  async organizationDelete(req: Req<'organizationDelete'>) {
    await this.organizations.delete(req.caller, req.name);
    return {};
  }

  @Handles(IamRpc.organizationQuota)
  organizationQuota(req: Req<'organizationQuota'>) {
    return this.organizations.quota(req.caller);
  }

  @Handles(IamRpc.accessLevel)
  accessLevel(req: Req<'accessLevel'>) {
    return this.organizations.standing(req.caller, req.scope);
  }

  @Handles(IamRpc.visibleScope)
  visibleScope(req: Req<'visibleScope'>) {
    return this.organizations.visibleScope(req.caller);
  }

  @Handles(IamRpc.repositoryPublicSet)
  async repositoryPublicSet(req: Req<'repositoryPublicSet'>) {
    await this.organizations.setPublic(req.caller, req.repository, req.isPublic);
    return {};
  }

  @Handles(IamRpc.repositoryForget)
  async repositoryForget(req: Req<'repositoryForget'>) {
    await this.organizations.forgetRepository(req.caller, req.repository);
    return {};
  }

  @Handles(IamRpc.sharedRepositories)
  async sharedRepositories(req: Req<'sharedRepositories'>) {
    return { shares: await this.shares.ofAccount(req.caller, req.center) };
  }

  @Handles(IamRpc.loginSecretCreate)
  async loginSecretCreate(req: Req<'loginSecretCreate'>) {
    const secret = await this.loginSecrets.create(req.caller, req.durationSeconds);
    return { username: secret.username, password: secret.password, expiresAt: secret.expiresAt.toISOString() };
  }
}
