import { z } from 'zod';
import { rpc } from '../rpc';

const secret = z.string().max(1024);

/** IAM's name as the issuer of registry tokens; verifiers expect exactly this. */
export const REGISTRY_TOKEN_ISSUER = 'swr-iam';

/** The caller of a management request, as IAM verified it from the request's X-Auth-Token. */
export const caller = z.object({
  userId: z.string(),
  userName: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  isAdmin: z.boolean(),
});
export type CallerPayload = z.infer<typeof caller>;

const name = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit');
const password = z.string().min(8).max(128);

export const userView = z.object({ id: z.string(), name: z.string(), accountId: z.string(), enabled: z.boolean(), isAdmin: z.boolean(), createdAt: z.string() });
export type UserView = z.infer<typeof userView>;
export const accountView = z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), createdAt: z.string() });
export type AccountView = z.infer<typeof accountView>;
export const accessKeyView = z.object({ access: z.string(), userId: z.string(), status: z.enum(['active', 'inactive']), description: z.string(), createdAt: z.string() });
export type AccessKeyViewPayload = z.infer<typeof accessKeyView>;

const grantScope = z.object({ kind: z.enum(['organization', 'repository']), name: z.string().min(1).max(255) });
const level = z.union([z.literal(1), z.literal(3), z.literal(7)]);
const userGrant = z.object({ userId: z.string(), userName: z.string(), level });

export const shareView = z.object({
  repository: z.string(),
  accessDomain: z.string(),
  permit: z.literal('read'),
  deadline: z.string(),
  description: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  created: z.string(),
  updated: z.string(),
  active: z.boolean(),
});
export type ShareView = z.infer<typeof shareView>;
export const organizationView = z.object({
  id: z.number().int(),
  name: z.string(),
  creatorName: z.string(),
  /** The caller's level there. */
  level,
  accessUserCount: z.number().int(),
});
export type OrganizationView = z.infer<typeof organizationView>;
const organizationName = z.string().min(1).max(255);

const shareTerms = { permit: z.string().max(16), deadline: z.string().max(64), description: z.string().max(1000).optional() };
const sharedRepository = { caller, repository: z.string().min(3).max(255) };

/** What the gateway asks the IAM service. */
export const IamRpc = {
  /** Keystone's password method: an X-Auth-Token for the management and IAM APIs. */
  apiTokenIssue: rpc(
    'iam.api-token.issue.v1',
    z.object({ userName: z.string().max(256), password: secret, accountName: z.string().max(256) }),
    z.object({ token: z.string(), issuedAt: z.string(), expiresAt: z.string(), caller }),
  ),
  apiTokenVerify: rpc('iam.api-token.verify.v1', z.object({ token: z.string().max(512) }), caller),
  /**
   * An AK/SK-signed request: the gateway builds the strings to sign from the request (the few
   * readings it admits), IAM (which alone holds the secret keys) checks the signature against
   * them and names the key's user.
   */
  signatureVerify: rpc(
    'iam.signature.verify.v1',
    z.object({ accessKey: z.string().min(1).max(64), stringsToSign: z.array(z.string().max(512)).min(1).max(8), signature: z.string().regex(/^[0-9a-f]{64}$/) }),
    caller,
  ),

  accountCreate: rpc(
    'iam.account.create.v1',
    z.object({ caller, name, admin: z.object({ name, password }) }),
    accountView,
  ),
  /** Whether the caller administers the installation (an admin of the operator's account). */
  operatorCheck: rpc('iam.operator.check.v1', z.object({ caller }), z.object({ operator: z.boolean() })),
  accountList: rpc('iam.account.list.v1', z.object({ caller }), z.object({ accounts: z.array(accountView) })),
  accountSetEnabled: rpc('iam.account.set-enabled.v1', z.object({ caller, id: z.string().max(64), enabled: z.boolean() }), accountView),

  userCreate: rpc('iam.user.create.v1', z.object({ caller, name, password, enabled: z.boolean().optional() }), userView),
  userList: rpc('iam.user.list.v1', z.object({ caller }), z.object({ users: z.array(userView) })),
  userGet: rpc('iam.user.get.v1', z.object({ caller, id: z.string().max(64) }), userView),
  userUpdate: rpc('iam.user.update.v1', z.object({ caller, id: z.string().max(64), password: password.optional(), enabled: z.boolean().optional() }), userView),
  userDelete: rpc('iam.user.delete.v1', z.object({ caller, id: z.string().max(64) }), z.object({})),

  accessKeyCreate: rpc(
    'iam.access-key.create.v1',
    z.object({ caller, userId: z.string().max(64), description: z.string().max(255).optional() }),
    accessKeyView.extend({ secret: z.string() }),
  ),
  accessKeyList: rpc('iam.access-key.list.v1', z.object({ caller, userId: z.string().max(64) }), z.object({ keys: z.array(accessKeyView) })),
  accessKeySetStatus: rpc(
    'iam.access-key.set-status.v1',
    z.object({ caller, access: z.string().max(64), status: z.enum(['active', 'inactive']) }),
    accessKeyView,
  ),
  accessKeyDelete: rpc('iam.access-key.delete.v1', z.object({ caller, access: z.string().max(64) }), z.object({})),

  /** Organization and repository permissions (levels 1 read, 3 write, 7 manage). */
  grantsView: rpc('iam.grants.view.v1', z.object({ caller, scope: grantScope }), z.object({ name: z.string(), self: userGrant, others: z.array(userGrant) })),
  grantsSet: rpc(
    'iam.grants.set.v1',
    z.object({ caller, scope: grantScope, mode: z.enum(['add', 'change']), grants: z.array(z.object({ userId: z.string().max(64), level })).min(1).max(100) }),
    z.object({}),
  ),
  grantsRevoke: rpc('iam.grants.revoke.v1', z.object({ caller, scope: grantScope, userIds: z.array(z.string().max(64)).min(1).max(100) }), z.object({})),

  /** Sharing private repositories with other accounts (`access-domains`). */
  shareCreate: rpc('iam.share.create.v1', z.object({ ...sharedRepository, accessDomain: z.string().max(64), ...shareTerms }), shareView),
  shareList: rpc('iam.share.list.v1', z.object(sharedRepository), z.object({ shares: z.array(shareView) })),
  shareGet: rpc('iam.share.get.v1', z.object({ ...sharedRepository, accessDomain: z.string().max(64) }), shareView),
  shareUpdate: rpc('iam.share.update.v1', z.object({ ...sharedRepository, accessDomain: z.string().max(64), ...shareTerms }), shareView),
  shareDelete: rpc('iam.share.delete.v1', z.object({ ...sharedRepository, accessDomain: z.string().max(64) }), z.object({})),

  /** Organizations (SWR namespaces): global names, owned by an account, within its quota. */
  organizationCreate: rpc('iam.organization.create.v1', z.object({ caller, name: organizationName }), organizationView),
  organizationList: rpc(
    'iam.organization.list.v1',
    z.object({ caller, name: z.string().max(64).optional(), visible: z.boolean() }),
    z.object({ organizations: z.array(organizationView) }),
  ),
  organizationGet: rpc('iam.organization.get.v1', z.object({ caller, name: organizationName }), organizationView),
  /** Call once the metadata service has removed the (empty) organization. */
  organizationDelete: rpc('iam.organization.delete.v1', z.object({ caller, name: organizationName }), z.object({})),
  organizationQuota: rpc('iam.organization.quota.v1', z.object({ caller }), z.object({ used: z.number().int(), limit: z.number().int() })),
  /**
   * The caller's level on an organization or repository, and the organization's id (IAM numbers
   * organizations: the id every API shows); IAM_NOT_FOUND when it is not theirs to see.
   */
  accessLevel: rpc('iam.access.level.v1', z.object({ caller, scope: grantScope }), z.object({ level, organizationId: z.number().int() })),
  /** What the caller may list: whole organizations, and single repositories granted to them. */
  visibleScope: rpc('iam.access.visible-scope.v1', z.object({ caller }), z.object({ organizations: z.array(z.string()), repositories: z.array(z.string()) })),
  /** Whether anyone may pull the repository; takes write on it. */
  repositoryPublicSet: rpc('iam.repository.public.v1', z.object({ caller, repository: z.string().min(3).max(255), isPublic: z.boolean() }), z.object({})),
  /** Forgets the grants, shares and public flag of a deleted repository; takes manage on it. */
  repositoryForget: rpc('iam.repository.forget.v1', z.object({ caller, repository: z.string().min(3).max(255) }), z.object({})),
  /** The caller's account's shares: `self` those it made, `thirdparty` those made with it. */
  sharedRepositories: rpc(
    'iam.share.of-account.v1',
    z.object({ caller, center: z.enum(['self', 'thirdparty']) }),
    z.object({ shares: z.array(z.object({ repository: z.string(), otherAccountName: z.string(), active: z.boolean() })) }),
  ),

  /** SWR's temporary login command: a `region@<id>` login valid for `durationSeconds`. */
  loginSecretCreate: rpc(
    'iam.login-secret.create.v1',
    z.object({ caller, durationSeconds: z.number().int().min(900).max(86_400) }),
    z.object({ username: z.string(), password: z.string(), expiresAt: z.string() }),
  ),

  /** The Docker token service: credentials are optional (anonymous pulls of public repositories). */
  registryTokenIssue: rpc(
    'iam.registry-token.issue.v1',
    z.object({
      service: z.string().max(255),
      scopes: z.array(z.string().max(1024)).max(50),
      username: z.string().max(512).optional(),
      password: secret.optional(),
    }),
    z.object({ token: z.string(), expiresIn: z.number().int(), issuedAt: z.string() }),
  ),
  /** Which of some repositories a registry token's subject may see (the catalog lists only those). */
  repositoriesVisible: rpc(
    'iam.repositories.visible.v1',
    z.object({ userId: z.string().max(64).optional(), names: z.array(z.string().max(255)).max(1000) }),
    z.object({ names: z.array(z.string()) }),
  ),
  /** Public keys registry tokens are signed with, for verification in the gateway. */
  signingKeysList: rpc(
    'iam.signing-keys.list.v1',
    z.object({}),
    z.object({ issuer: z.string(), service: z.string(), keys: z.array(z.object({ kid: z.string(), publicPem: z.string() })) }),
  ),
} as const;
