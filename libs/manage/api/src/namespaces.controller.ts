import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { Caller, CallerGuard, organizationName, parseBody, parseQuery, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, IamRpc, RepositoryRpc, RpcClient } from '@swr/contracts';
import { ManageAccess, MANAGE } from './access';
import { MANAGE_RPC } from './manage-api.settings';
import { NamespaceOperations as Op } from './manage.operations';

/** SWR's organization (namespace) API. */
@Controller('v2/manage/namespaces')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class NamespacesController {
  private readonly access: ManageAccess;

  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {
    this.access = new ManageAccess(rpc);
  }

  @Post()
  @HttpCode(Op.create.status)
  async create(@Caller() caller: CallerPayload, @Body() body: unknown) {
    const { namespace } = parseBody(Op.create.body, body);
    await withSwrCodes(this.rpc.call(IamRpc.organizationCreate, { caller, name: namespace }), {
      IAM_INVALID_REQUEST: '1028',
      IAM_CONFLICT: '0060',
      IAM_QUOTA_EXCEEDED: '0097',
    });
    return {};
  }

  @Get()
  async list(@Caller() caller: CallerPayload, @Query() query: Record<string, string>) {
    const { namespace, mode } = parseQuery(Op.list.query, query);
    const { organizations } = await this.rpc.call(IamRpc.organizationList, { caller, name: namespace, visible: mode === 'visible' });
    const { counts } = organizations.length ? await this.rpc.call(RepositoryRpc.organizationCounts, { organizations: organizations.map((o) => o.name) }) : { counts: {} };
    return {
      namespaces: organizations.map((o) => ({
        id: o.id,
        name: o.name,
        creator_name: o.creatorName,
        auth: o.level,
        access_user_count: o.accessUserCount,
        repo_count: counts[o.name] ?? 0,
      })),
    };
  }

  @Get(':namespace')
  async get(@Caller() caller: CallerPayload, @Param('namespace') namespace: string) {
    const found = await withSwrCodes(this.rpc.call(IamRpc.organizationGet, { caller, name: organizationName(namespace) }), { IAM_NOT_FOUND: '0058' });
    return { id: found.id, name: found.name, creator_name: found.creatorName, auth: found.level };
  }

  /** Metadata refuses while repositories remain, and only then does IAM forget the organization. */
  @Delete(':namespace')
  @HttpCode(Op.delete.status)
  async delete(@Caller() caller: CallerPayload, @Param('namespace') namespace: string) {
    await this.access.organization(caller, organizationName(namespace), MANAGE);
    await withSwrCodes(this.rpc.call(RepositoryRpc.organizationRemove, { organization: namespace }), { META_ORGANIZATION_NOT_EMPTY: '0074' });
    await withSwrCodes(this.rpc.call(IamRpc.organizationDelete, { caller, name: namespace }), { IAM_NOT_FOUND: '0058', IAM_FORBIDDEN: '0170' });
  }
}
