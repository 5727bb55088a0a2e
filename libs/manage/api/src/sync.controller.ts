import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, parseBody, parseQuery, repositoryName, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, RpcClient, SyncJobPayload, SyncRpc, SyncRulePayload } from '@swr/contracts';
import { isValidTag } from '@swr/oci';
import type { FastifyReply } from 'fastify';
import { ManageAccess, MANAGE, READ } from './access';
import { MANAGE_RPC } from './manage-api.settings';
import { SyncOperations as Op } from './sync.operations';
import { contentRange } from './views';

const IN_REPOSITORY = 'v2/manage/namespaces/:namespace/repos/:repository';
/** Sync errors in SWR's codes: 400 invalid (0014), a missing rule on delete (1158, as SWR answers), 409 a rule already (0006). */
const SYNC_CODES = { SYNC_INVALID: '0014', SYNC_RULE_NOT_FOUND: '1158', SYNC_RULE_EXISTS: '0006' };

const requesterOf = (caller: CallerPayload) => ({ accountId: caller.accountId, accountName: caller.accountName, userId: caller.userId, userName: caller.userName });
const split = (repository: string) => ({ namespace: repository.slice(0, repository.indexOf('/')), repoName: repository.slice(repository.indexOf('/') + 1) });

const ruleView = (r: SyncRulePayload) => ({
  id: r.id,
  domainID: r.accountId,
  domainName: r.accountName,
  ...split(r.repository),
  remoteRegionId: r.remoteRegionId,
  remoteNamespace: r.remoteNamespace,
  syncAuto: r.syncAuto,
  override: r.override,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const jobView = (j: SyncJobPayload) => ({
  id: j.id,
  domainID: j.accountId,
  domainName: j.accountName,
  ...split(j.repository),
  tag: j.tag,
  remoteRegionId: j.remoteRegionId,
  remoteNamespace: j.remoteNamespace,
  override: j.override,
  status: j.status,
  syncOperatorId: j.operatorId,
  syncOperatorName: j.operatorName,
  detail: j.detail,
  copiedBytes: j.copiedBytes,
  totalBytes: j.totalBytes,
  createdAt: j.createdAt,
  updatedAt: j.updatedAt,
});

/** SWR's image sync API: auto-sync rules, manual sync, the job records, and the regions synced to. */
@Controller()
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class SyncController {
  private readonly access: ManageAccess;

  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {
    this.access = new ManageAccess(rpc);
  }

  @Get('v2/manage/regions')
  async regions() {
    return (await this.rpc.call(SyncRpc.regions, {})).regions.map((regionID) => ({ regionID }));
  }

  /** Sync stays inside the account, and only its admins may set up automatic copies (as in SWR). */
  @Post(`${IN_REPOSITORY}/sync_repo`)
  @HttpCode(Op.createRule.status)
  async createRule(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const name = repositoryName(namespace, repository);
    const rule = parseBody(Op.createRule.body, body);
    await this.access.repository(caller, name, MANAGE);
    if (!caller.isAdmin) throw new ApiError(403, 'only the account\'s admins may set up automatic sync', undefined, '0170');
    const request = { repository: name, requester: requesterOf(caller), remoteRegionId: rule.remoteRegionId, remoteNamespace: rule.remoteNamespace, syncAuto: rule.syncAuto ?? false, override: rule.override ?? false };
    await withSwrCodes(this.rpc.call(SyncRpc.ruleCreate, request), SYNC_CODES);
    return {};
  }

  @Delete(`${IN_REPOSITORY}/sync_repo`)
  @HttpCode(Op.deleteRule.status)
  async deleteRule(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const name = repositoryName(namespace, repository);
    const target = parseBody(Op.deleteRule.body, body);
    await this.access.repository(caller, name, MANAGE);
    if (!caller.isAdmin) throw new ApiError(403, 'only the account\'s admins may change automatic sync', undefined, '0170');
    await withSwrCodes(this.rpc.call(SyncRpc.ruleDelete, { repository: name, ...target }), SYNC_CODES);
    return {};
  }

  @Get(`${IN_REPOSITORY}/sync_repo`)
  async listRules(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, READ);
    return (await this.rpc.call(SyncRpc.ruleList, { repository: name, accountId: caller.accountId })).rules.map(ruleView);
  }

  @Post(`${IN_REPOSITORY}/sync_images`)
  @HttpCode(Op.manual.status)
  async manual(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const name = repositoryName(namespace, repository);
    const request = parseBody(Op.manual.body, body);
    await this.access.repository(caller, name, MANAGE);
    // The copy writes as the account in the other region, wherever the account's organizations are: its admins' power.
    if (!caller.isAdmin) throw new ApiError(403, 'only the account\'s admins may sync images to another region', undefined, '0170');
    const valid = request.imageTag.filter(isValidTag);
    const invalid = request.imageTag.filter((t) => !valid.includes(t));
    const { failed } = valid.length
      ? await withSwrCodes(
          this.rpc.call(SyncRpc.manual, {
            repository: name,
            requester: requesterOf(caller),
            remoteRegionId: request.remoteRegionId,
            remoteNamespace: request.remoteNamespace,
            tags: valid,
            override: request.override ?? false,
          }),
          SYNC_CODES,
        )
      : { failed: [] };
    return [...invalid, ...failed];
  }

  @Get(`${IN_REPOSITORY}/sync_job`)
  async jobs(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Query() raw: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const name = repositoryName(namespace, repository);
    const q = parseQuery(Op.jobs.query, raw, Op.jobs);
    await this.access.repository(caller, name, READ);
    const page = await this.rpc.call(SyncRpc.jobList, { repository: name, accountId: caller.accountId, limit: q.limit, offset: q.offset, order: q.order ?? 'desc' });
    reply.header('content-range', contentRange(q.offset, page.jobs.length, page.total));
    return page.jobs.map(jobView);
  }
}
