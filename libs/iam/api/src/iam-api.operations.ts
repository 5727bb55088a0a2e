import type { ApiOperation } from '@swr/api-http';
import { z } from 'zod';

const level = z.union([z.literal(1), z.literal(3), z.literal(7)]);
const userAuths = z.array(z.strictObject({ user_id: z.string().min(1).max(64), user_name: z.string().max(64), auth: level })).min(1).max(100);
const userIds = z.array(z.string().min(1).max(64)).min(1).max(100);
const userAuth = z.object({ user_id: z.string(), user_name: z.string(), auth: level });
const grantsView = (extra: z.ZodRawShape) => z.object({ ...extra, self_auth: userAuth, others_auths: z.array(userAuth) });
const shareTerms = { permit: z.string().max(16), deadline: z.string().max(64), description: z.string().max(1000).optional() };
const shareView = z.object({
  namespace: z.string(),
  repository: z.string(),
  access_domain: z.string(),
  permit: z.string(),
  deadline: z.string(),
  description: z.string(),
  creator_id: z.string(),
  creator_name: z.string(),
  created: z.string(),
  updated: z.string(),
  status: z.boolean(),
});

const inOrganization = '/v2/manage/namespaces/{namespace}/access';
const inRepository = '/v2/manage/namespaces/{namespace}/repos/{repository}/access';
const shares = '/v2/manage/namespaces/{namespace}/repositories/{repository}/access-domains';
const grantErrors = { 400: 'invalid body', 403: 'needs the manage permission', 404: 'organization, repository or permission not found' };

const grants = (kind: 'Namespace' | 'Repo', path: string, tag: string, response: z.ZodType) => {
  // Cloud Trace Service names these after its own resource types.
  const [traced, resource] = kind === 'Namespace' ? ['UserNamespaceAuth', 'usernamespaceauth'] : ['UserRepositoryAuth', 'userrepositoryauth'];
  const audit = (verb: string) => ({ trace: `${verb}${traced}`, resource });
  return {
    view: { id: `Show${kind}Auth`, audit: audit('show'), method: 'GET', path, summary: 'Show who holds which permission', tag, status: 200, response, errors: grantErrors },
    add: {
      id: `Create${kind}Auth`,
      audit: audit('create'),
      method: 'POST',
      path,
      summary: 'Grant permissions (1 read, 3 write, 7 manage)',
      tag,
      status: kind === 'Namespace' ? 200 : 201,
      body: userAuths,
      errors: { ...grantErrors, 409: 'the user already holds a permission there' },
    },
    change: { id: `Update${kind}Auth`, audit: audit('update'), method: 'PATCH', path, summary: 'Change granted permissions', tag, status: 201, body: userAuths, errors: grantErrors },
    revoke: { id: `Delete${kind}Auth`, audit: audit('delete'), method: 'DELETE', path, summary: 'Revoke permissions', tag, status: 204, body: userIds, errors: grantErrors },
  } satisfies Record<string, ApiOperation>;
};

export const OrganizationGrantOperations = grants(
  'Namespace',
  inOrganization,
  'Organization permissions',
  grantsView({ id: z.number().int(), name: z.string(), creator_name: z.string() }),
);
export const RepositoryGrantOperations = grants('Repo', inRepository, 'Repository permissions', grantsView({ id: z.number().int(), name: z.string() }));

export const ShareOperations = {
  create: {
    id: 'CreateRepoDomains', audit: { trace: 'createImageRepositoryAccessDomain', resource: 'imagerepositoryaccessdomain' },
    method: 'POST',
    path: shares,
    summary: 'Share a private repository with another account (pull only, until the end of the deadline day)',
    tag: 'Sharing',
    status: 201,
    body: z.strictObject({ access_domain: z.string().min(1).max(64), ...shareTerms }),
    errors: { ...grantErrors, 409: 'already shared with that account' },
  },
  list: { id: 'ListRepoDomains', audit: { trace: 'listImageRepositoryAccessDomain', resource: 'imagerepositoryaccessdomain' }, method: 'GET', path: shares, summary: "A repository's shares", tag: 'Sharing', status: 200, response: z.array(shareView), errors: grantErrors },
  get: {
    id: 'ShowAccessDomain', audit: { trace: 'showImageRepositoryAccessDomain', resource: 'imagerepositoryaccessdomain' },
    method: 'GET',
    path: `${shares}/{access_domain}`,
    summary: 'Whether the repository is shared with an account',
    tag: 'Sharing',
    status: 200,
    response: shareView.extend({ exist: z.boolean() }),
    errors: { ...grantErrors, 400: 'not shared with that account (SVCSTG.SWR.4001090)' },
  },
  update: {
    id: 'UpdateRepoDomains', audit: { trace: 'updateImageRepositoryAccessDomain', resource: 'imagerepositoryaccessdomain' },
    method: 'PATCH',
    path: `${shares}/{access_domain}`,
    summary: "Change a share's deadline or description",
    tag: 'Sharing',
    status: 201,
    body: z.strictObject(shareTerms),
    errors: grantErrors,
  },
  delete: { id: 'DeleteRepoDomains', audit: { trace: 'deleteImageRepositoryAccessDomain', resource: 'imagerepositoryaccessdomain' }, method: 'DELETE', path: `${shares}/{access_domain}`, summary: 'Stop sharing', tag: 'Sharing', status: 204, errors: grantErrors },
} satisfies Record<string, ApiOperation>;

export const LoginCommandOperation = {
  id: 'CreateSecret', audit: { trace: 'createDockerConfig', resource: 'dockerlogincmd' },
  method: 'POST',
  path: '/v2/manage/utils/secret',
  summary: 'A temporary docker login command (X-Swr-Dockerlogin, X-Swr-Expireat) and a docker config `auths` body',
  tag: 'Login commands',
  status: 200,
  query: z.strictObject({
    projectname: z.string().max(64).optional(),
    duration_seconds: z
      .string()
      .regex(/^\d{1,6}$/, 'a whole number of seconds')
      .transform(Number)
      .pipe(z.number().int().min(900).max(86_400))
      .optional(),
  }),
  response: z.object({ auths: z.record(z.string(), z.object({ auth: z.string() })) }),
  errors: { 400: 'duration_seconds outside 900..86400, or an unknown project' },
} satisfies ApiOperation;

const users = '/v3/users';
const credentials = '/v3.0/OS-CREDENTIAL/credentials';
const userBody = z.object({
  id: z.string(),
  name: z.string(),
  domain_id: z.string(),
  enabled: z.boolean(),
  description: z.string(),
  pwd_status: z.boolean(),
  links: z.object({ self: z.string() }),
});
const credentialBody = z.object({ user_id: z.string(), access: z.string(), status: z.enum(['active', 'inactive']), create_time: z.string(), description: z.string() });
const userErrors = { 400: 'invalid body', 403: 'only an account admin manages users', 404: 'no such user in this account', 409: 'the user name is taken' };
const keyErrors = { 400: 'invalid body', 403: "only an account admin manages other users' keys", 404: 'no such access key' };

/**
 * The IAM API's users and access keys (Huawei Cloud IAM's shapes), failing in IAM's envelope. The
 * gateway does not trace these calls: IAM records each change as an event, and the audit trail
 * has it from there (createUser, createAccessKey, …).
 */
export const IdentityOperations = {
  listUsers: { id: 'KeystoneListUsers', errorEnvelope: 'iam', method: 'GET', path: users, summary: "The account's IAM users (an admin sees all, a user only themself)", tag: 'Users and access keys', status: 200, response: z.object({ users: z.array(userBody), links: z.object({ self: z.string() }) }) },
  createUser: {
    id: 'CreateUser',
    errorEnvelope: 'iam',
    method: 'POST',
    path: users,
    summary: 'Create an IAM user in the account (account admins only)',
    tag: 'Users and access keys',
    status: 201,
    body: z.object({ user: z.object({ name: z.string(), password: z.string(), enabled: z.boolean().optional(), description: z.string().max(255).optional(), domain_id: z.string().optional() }) }),
    response: z.object({ user: userBody }),
    errors: userErrors,
  },
  showUser: { id: 'KeystoneShowUser', errorEnvelope: 'iam', method: 'GET', path: `${users}/{user_id}`, summary: 'One IAM user', tag: 'Users and access keys', status: 200, response: z.object({ user: userBody }), errors: userErrors },
  updateUser: {
    id: 'UpdateUser',
    errorEnvelope: 'iam',
    method: 'PATCH',
    path: `${users}/{user_id}`,
    summary: "Change a user's password or enable or disable the user",
    tag: 'Users and access keys',
    status: 200,
    body: z.object({ user: z.object({ password: z.string().optional(), enabled: z.boolean().optional() }) }),
    response: z.object({ user: userBody }),
    errors: userErrors,
  },
  deleteUser: { id: 'KeystoneDeleteUser', errorEnvelope: 'iam', method: 'DELETE', path: `${users}/{user_id}`, summary: 'Delete an IAM user (account admins only)', tag: 'Users and access keys', status: 204, errors: userErrors },
  createKey: {
    id: 'CreatePermanentAccessKey',
    errorEnvelope: 'iam',
    method: 'POST',
    path: credentials,
    summary: 'Create an access key (AK/SK): the secret is in this answer only',
    tag: 'Users and access keys',
    status: 201,
    body: z.object({ credential: z.object({ user_id: z.string().min(1).max(64), description: z.string().max(255).optional() }) }),
    response: z.object({ credential: credentialBody.extend({ secret: z.string() }) }),
    errors: keyErrors,
  },
  listKeys: {
    id: 'ListPermanentAccessKeys',
    errorEnvelope: 'iam',
    method: 'GET',
    path: credentials,
    summary: "A user's access keys (the caller's own by default), without their secrets",
    tag: 'Users and access keys',
    status: 200,
    query: z.object({ user_id: z.string().max(64).optional() }),
    response: z.object({ credentials: z.array(credentialBody) }),
    errors: keyErrors,
  },
  updateKey: {
    id: 'UpdatePermanentAccessKey',
    errorEnvelope: 'iam',
    method: 'PUT',
    path: `${credentials}/{access_key}`,
    summary: 'Enable or disable an access key',
    tag: 'Users and access keys',
    status: 200,
    body: z.object({ credential: z.object({ status: z.enum(['active', 'inactive']), description: z.string().max(255).optional() }) }),
    response: z.object({ credential: credentialBody }),
    errors: keyErrors,
  },
  deleteKey: { id: 'DeletePermanentAccessKey', errorEnvelope: 'iam', method: 'DELETE', path: `${credentials}/{access_key}`, summary: 'Delete an access key', tag: 'Users and access keys', status: 204, errors: keyErrors },
} satisfies Record<string, ApiOperation>;

/** Every management operation this library serves, for the OpenAPI document. */
export const IAM_MANAGE_OPERATIONS: readonly ApiOperation[] = [
  ...Object.values(OrganizationGrantOperations),
  ...Object.values(RepositoryGrantOperations),
  ...Object.values(ShareOperations),
  LoginCommandOperation,
  ...Object.values(IdentityOperations),
];
