import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import { accountName, ApiError, Caller, CallerGuard, existingRepository, parseBody, repositoryName, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, IamRpc, RemoteError, RpcClient, ShareView } from '@swr/contracts';
import { IAM_API_RPC } from './iam-api.settings';
import { ShareOperations as Op } from './iam-api.operations';

const shareCodes = { IAM_NOT_FOUND: '0010', IAM_FORBIDDEN: '0170', IAM_INVALID_REQUEST: '0014' };

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

  /** Shares exist only for repositories that do. */
  private async existing(namespace: string, repository: string): Promise<string> {
    return (await existingRepository(this.iam, repositoryName(namespace, repository))).name;
  }

  @Post()
  @HttpCode(Op.create.status)
  async create(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const { access_domain: accessDomain, permit, deadline, description } = parseBody(Op.create.body, body);
    const name = await this.existing(namespace, repository);
    await withSwrCodes(this.iam.call(IamRpc.shareCreate, { caller, repository: name, accessDomain, permit, deadline, description }), shareCodes);
    return {};
  }

  @Get()
  async list(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const name = await this.existing(namespace, repository);
    const { shares } = await withSwrCodes(this.iam.call(IamRpc.shareList, { caller, repository: name }), shareCodes);
    return shares.map((s) => shareBody(namespace, s));
  }

  /** A missing share answers 400 SVCSTG.SWR.4001090, as the live API does (Terraform maps it to "gone"). */
  @Get(':accessDomain')
  async get(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('accessDomain', { transform: accountName }) accessDomain: string) {
    const name = await this.existing(namespace, repository);
    try {
      const share = await this.iam.call(IamRpc.shareGet, { caller, repository: name, accessDomain });
      return { exist: true, ...shareBody(namespace, share) };
    } catch (error) {
      if (error instanceof RemoteError && error.code === 'IAM_NOT_FOUND') throw new ApiError(400, error.message, undefined, '1090');
      throw error;
    }
  }

  @Patch(':accessDomain')
  @HttpCode(Op.update.status)
  async update(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('accessDomain', { transform: accountName }) accessDomain: string,
    @Body() body: unknown,
  ) {
    const terms = parseBody(Op.update.body, body);
    const name = await this.existing(namespace, repository);
    await withSwrCodes(this.iam.call(IamRpc.shareUpdate, { caller, repository: name, accessDomain, ...terms }), shareCodes);
    return {};
  }

  @Delete(':accessDomain')
  @HttpCode(Op.delete.status)
  async remove(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('accessDomain', { transform: accountName }) accessDomain: string) {
    const name = await this.existing(namespace, repository);
    await withSwrCodes(this.iam.call(IamRpc.shareDelete, { caller, repository: name, accessDomain }), shareCodes);
  }
}
