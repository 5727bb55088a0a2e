import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, parseBody, SwrErrorFilter } from '@swr/api-http';
import { CallerPayload, IamRpc, RemoteError, RpcClient, ShareView } from '@swr/contracts';
import { z } from 'zod';
import { IAM_API_RPC, repositoryName } from './iam-api.settings';

const terms = { permit: z.string().max(16), deadline: z.string().max(64), description: z.string().max(1000).optional() };
const createBody = z.object({ access_domain: z.string().min(1).max(64), ...terms });
const updateBody = z.object(terms);

const shareBody = (namespace: string, s: ShareView) => ({
  namespace,
  repository: s.repository.slice(namespace.length + 1),
  access_domain: s.accessDomain,
  permit: s.permit,
  deadline: s.deadline,
  description: s.description,
  creator_id: s.creatorId,
  creator_name: s.creatorName,
  created: s.created,
  updated: s.updated,
  status: s.active,
});

/** SWR's shared-account API: a private repository shared with other accounts, pull only, until a deadline. */
@Controller('v2/manage/namespaces/:namespace/repositories/:repository/access-domains')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class SharesController {
  constructor(@Inject(IAM_API_RPC) private readonly iam: RpcClient) {}

  @Post()
  @HttpCode(201)
  async create(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const share = parseBody(createBody, body);
    const { access_domain: accessDomain, permit, deadline, description } = share;
    await this.iam.call(IamRpc.shareCreate, { caller, repository: repositoryName(namespace, repository), accessDomain, permit, deadline, description });
    return {};
  }

  @Get()
  async list(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const { shares } = await this.iam.call(IamRpc.shareList, { caller, repository: repositoryName(namespace, repository) });
    return shares.map((s) => shareBody(namespace, s));
  }

  /** A missing share answers 400 SVCSTG.SWR.4001090, as the live API does (Terraform maps it to "gone"). */
  @Get(':accessDomain')
  async get(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('accessDomain') accessDomain: string) {
    try {
      const share = await this.iam.call(IamRpc.shareGet, { caller, repository: repositoryName(namespace, repository), accessDomain });
      return { exist: true, ...shareBody(namespace, share) };
    } catch (error) {
      if (error instanceof RemoteError && error.code === 'IAM_NOT_FOUND') throw new ApiError(400, error.message, undefined, '1090');
      throw error;
    }
  }

  @Patch(':accessDomain')
  @HttpCode(201)
  async update(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('accessDomain') accessDomain: string,
    @Body() body: unknown,
  ) {
    await this.iam.call(IamRpc.shareUpdate, { caller, repository: repositoryName(namespace, repository), accessDomain, ...parseBody(updateBody, body) });
    return {};
  }

  @Delete(':accessDomain')
  @HttpCode(204)
  async remove(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('accessDomain') accessDomain: string) {
    await this.iam.call(IamRpc.shareDelete, { caller, repository: repositoryName(namespace, repository), accessDomain });
  }
}
