import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import { Caller, CallerGuard, parseBody, SwrErrorFilter } from '@swr/api-http';
import { CallerPayload, IamRpc, RpcClient } from '@swr/contracts';
import { z } from 'zod';
import { IAM_API_RPC, repositoryName } from './iam-api.settings';

const userAuths = z
  .array(z.object({ user_id: z.string().min(1).max(64), user_name: z.string().max(64), auth: z.union([z.literal(1), z.literal(3), z.literal(7)]) }))
  .min(1)
  .max(100);
const userIds = z.array(z.string().min(1).max(64)).min(1).max(100);

type Scope = { kind: 'organization' | 'repository'; name: string };

const repositoryScope = (namespace: string, repository: string): Scope => ({ kind: 'repository', name: repositoryName(namespace, repository) });
const organizationScope = (namespace: string): Scope => ({ kind: 'organization', name: namespace });

/** SWR's organization and repository permission APIs, with their documented status codes. */
@Controller('v2/manage/namespaces/:namespace')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class PermissionsController {
  constructor(@Inject(IAM_API_RPC) private readonly iam: RpcClient) {}

  @Get('access')
  async viewOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string) {
    const view = await this.iam.call(IamRpc.grantsView, { caller, scope: organizationScope(namespace) });
    return { name: view.name, creator_name: caller.accountName, ...auths(view) };
  }

  @Post('access')
  @HttpCode(200)
  async grantOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.set(caller, organizationScope(namespace), body, 'add');
  }

  @Patch('access')
  @HttpCode(201)
  async changeOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.set(caller, organizationScope(namespace), body, 'change');
  }

  @Delete('access')
  @HttpCode(204)
  async revokeOrganization(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Body() body: unknown) {
    await this.iam.call(IamRpc.grantsRevoke, { caller, scope: organizationScope(namespace), userIds: parseBody(userIds, body) });
  }

  @Get('repos/:repository/access')
  async viewRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const view = await this.iam.call(IamRpc.grantsView, { caller, scope: repositoryScope(namespace, repository) });
    return { name: namespace, ...auths(view) };
  }

  @Post('repos/:repository/access')
  @HttpCode(201)
  async grantRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.set(caller, repositoryScope(namespace, repository), body, 'add');
  }

  @Patch('repos/:repository/access')
  @HttpCode(201)
  async changeRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.set(caller, repositoryScope(namespace, repository), body, 'change');
  }

  @Delete('repos/:repository/access')
  @HttpCode(204)
  async revokeRepository(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    await this.iam.call(IamRpc.grantsRevoke, { caller, scope: repositoryScope(namespace, repository), userIds: parseBody(userIds, body) });
  }

  private async set(caller: CallerPayload, scope: Scope, body: unknown, mode: 'add' | 'change') {
    const grants = parseBody(userAuths, body).map((g) => ({ userId: g.user_id, level: g.auth }));
    await this.iam.call(IamRpc.grantsSet, { caller, scope, grants, mode });
  }
}

function auths(view: { self: { userId: string; userName: string; level: number }; others: Array<{ userId: string; userName: string; level: number }> }) {
  const shape = (g: { userId: string; userName: string; level: number }) => ({ user_id: g.userId, user_name: g.userName, auth: g.level });
  return { self_auth: shape(view.self), others_auths: view.others.map(shape) };
}
