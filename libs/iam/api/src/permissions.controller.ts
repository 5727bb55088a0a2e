import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import { Caller, CallerGuard, existingRepository, organizationName, parseBody, repositoryName, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, IamRpc, RpcClient } from '@swr/contracts';
import { IAM_API_RPC } from './iam-api.settings';
import { OrganizationGrantOperations as OrgOp, RepositoryGrantOperations as RepoOp } from './iam-api.operations';

type Scope = { kind: 'organization' | 'repository'; name: string };
type Grants = { add: { body: typeof OrgOp.add.body }; revoke: { body: typeof OrgOp.revoke.body } };

const organizationCodes = { IAM_NOT_FOUND: '0058', IAM_FORBIDDEN: '0170', IAM_CONFLICT: '0076', IAM_INVALID_REQUEST: '1065' };
const repositoryCodes = { IAM_NOT_FOUND: '0091', IAM_FORBIDDEN: '0170', IAM_CONFLICT: '0089', IAM_INVALID_REQUEST: '1066' };

/** SWR's organization and repository permission APIs, with their documented status codes. */
@Controller('v2/manage/namespaces/:namespace')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class PermissionsController {
  constructor(@Inject(IAM_API_RPC) private readonly rpc: RpcClient) {}

  @Get('access')
  async viewOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string) {
    const [view, organization] = await withSwrCodes(
      Promise.all([
        this.rpc.call(IamRpc.grantsView, { caller, scope: { kind: 'organization', name: organizationName(namespace) } }),
        this.rpc.call(IamRpc.organizationGet, { caller, name: organizationName(namespace) }),
      ]),
      organizationCodes,
    );
    return { id: organization.id, name: view.name, creator_name: organization.creatorName, ...auths(view) };
  }

  @Post('access')
  @HttpCode(OrgOp.add.status)
  async grantOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.set(caller, { kind: 'organization', name: organizationName(namespace) }, body, 'add');
  }

  @Patch('access')
  @HttpCode(OrgOp.change.status)
  async changeOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.set(caller, { kind: 'organization', name: organizationName(namespace) }, body, 'change');
  }

  @Delete('access')
  @HttpCode(OrgOp.revoke.status)
  async revokeOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.revoke(caller, { kind: 'organization', name: organizationName(namespace) }, body);
  }

  @Get('repos/:repository/access')
  async viewRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { scope, id } = await this.existingRepository(namespace, repository);
    const view = await withSwrCodes(this.rpc.call(IamRpc.grantsView, { caller, scope }), repositoryCodes);
    return { id, name: namespace, ...auths(view) };
  }

  @Post('repos/:repository/access')
  @HttpCode(RepoOp.add.status)
  async grantRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.set(caller, await this.repositoryScope(namespace, repository), body, 'add');
  }

  @Patch('repos/:repository/access')
  @HttpCode(RepoOp.change.status)
  async changeRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.set(caller, await this.repositoryScope(namespace, repository), body, 'change');
  }

  @Delete('repos/:repository/access')
  @HttpCode(RepoOp.revoke.status)
  async revokeRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.revoke(caller, await this.repositoryScope(namespace, repository), body);
  }

  /** A repository's permissions exist only while the repository does. */
  private async existingRepository(namespace: string, repository: string): Promise<{ scope: Scope; id: number }> {
    const found = await existingRepository(this.rpc, repositoryName(namespace, repository));
    return { scope: { kind: 'repository', name: found.name }, id: found.id };
  }

  private async repositoryScope(namespace: string, repository: string): Promise<Scope> {
    return (await this.existingRepository(namespace, repository)).scope;
  }

  private async set(caller: CallerPayload, scope: Scope, body: unknown, mode: 'add' | 'change') {
    const operations: Grants = scope.kind === 'organization' ? OrgOp : RepoOp;
    const grants = parseBody(operations.add.body, body).map((g) => ({ userId: g.user_id, level: g.auth }));
    await withSwrCodes(this.rpc.call(IamRpc.grantsSet, { caller, scope, grants, mode }), scope.kind === 'organization' ? organizationCodes : repositoryCodes);
  }

  private async revoke(caller: CallerPayload, scope: Scope, body: unknown) {
    const userIds = parseBody(OrgOp.revoke.body, body);
    await withSwrCodes(this.rpc.call(IamRpc.grantsRevoke, { caller, scope, userIds }), scope.kind === 'organization' ? organizationCodes : repositoryCodes);
  }
}

function auths(view: { self: { userId: string; userName: string; level: number }; others: Array<{ userId: string; userName: string; level: number }> }) {
  const shape = (g: { userId: string; userName: string; level: number }) => ({ user_id: g.userId, user_name: g.userName, auth: g.level });
  return { self_auth: shape(view.self), others_auths: view.others.map(shape) };
}
