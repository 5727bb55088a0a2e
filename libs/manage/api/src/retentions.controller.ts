import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, parseBody, parseQuery, repositoryName, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, RetentionPolicyPayload, RetentionRpc, RpcClient } from '@swr/contracts';
import type { FastifyReply } from 'fastify';
import { ManageAccess, MANAGE, READ } from './access';
import { MANAGE_RPC } from './manage-api.settings';
import { RetentionOperations as Op } from './retention.operations';
import { contentRange } from './views';

const DEFAULT_LIMIT = 50;
const IN_REPOSITORY = 'v2/manage/namespaces/:namespace/repos/:repository/retentions';
/** Retention errors in SWR's codes: 400 invalid parameters, 404 missing (0306, the id SWR gives a missing policy), 409 a policy already. */
const RETENTION_CODES = { RETENTION_INVALID: '0014', RETENTION_NOT_FOUND: '0306', RETENTION_CONFLICT: '0006' };

/** A policy id from a path: an int32, as SWR's are; anything else names no policy. */
function retentionId(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new ApiError(404, 'retention policy not found', undefined, '0306');
  return Number(value);
}

const policyView = (p: RetentionPolicyPayload) => ({ id: p.id, algorithm: p.algorithm, rules: p.rules, scope: p.scope });

/** SWR's image retention API, plus a dry run and a run now (ours). */
@Controller(IN_REPOSITORY)
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class RetentionsController {
  private readonly access: ManageAccess;

  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {
    this.access = new ManageAccess(rpc);
  }

  @Post()
  @HttpCode(Op.create.status)
  async create(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const name = repositoryName(namespace, repository);
    const policy = parseBody(Op.create.body, body);
    await this.access.repository(caller, name, MANAGE);
    return withSwrCodes(this.rpc.call(RetentionRpc.create, { repository: name, accountId: caller.accountId, ...policy }), RETENTION_CODES);
  }

  @Get()
  async list(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, READ);
    return (await this.rpc.call(RetentionRpc.list, { repository: name })).policies.map(policyView);
  }

  @Get('histories')
  async histories(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Query() raw: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const name = repositoryName(namespace, repository);
    const q = parseQuery(Op.histories.query, raw);
    await this.access.repository(caller, name, READ);
    const offset = q.offset ?? 0;
    const page = await this.rpc.call(RetentionRpc.histories, { repository: name, limit: q.limit ?? DEFAULT_LIMIT, offset });
    reply.header('content-range', contentRange(offset, page.logs.length, page.total));
    const repo = name.slice(name.indexOf('/') + 1);
    return {
      retention_log: page.logs.map((l) => ({ id: l.id, retention_id: l.retentionId, namespace, repo, tag: l.tag, rule_type: l.ruleType, created_at: l.createdAt })),
      total: page.total,
    };
  }

  @Get(':retention_id')
  async get(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention_id') id: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, READ);
    return policyView(await withSwrCodes(this.rpc.call(RetentionRpc.get, { repository: name, id: retentionId(id) }), RETENTION_CODES));
  }

  @Patch(':retention_id')
  @HttpCode(Op.update.status)
  async update(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention_id') id: string, @Body() body: unknown) {
    const name = repositoryName(namespace, repository);
    const policy = parseBody(Op.update.body, body);
    await this.access.repository(caller, name, MANAGE);
    await withSwrCodes(this.rpc.call(RetentionRpc.update, { repository: name, id: retentionId(id), ...policy }), RETENTION_CODES);
    return {};
  }

  /** SWR answers a missing policy here with 400 SVCSTG.SWR.4000306. */
  @Delete(':retention_id')
  @HttpCode(Op.delete.status)
  async delete(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention_id') id: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, MANAGE);
    const absent = () => new ApiError(400, `retention policy ${id.slice(0, 20)} does not exist`, undefined, '0306');
    if (!/^\d{1,9}$/.test(id)) throw absent();
    try {
      await this.rpc.call(RetentionRpc.delete, { repository: name, id: retentionId(id) });
    } catch (error) {
      if ((error as { code?: string }).code === 'RETENTION_NOT_FOUND') throw absent();
      throw error;
    }
    return {};
  }

  @Post(':retention_id/dry-run')
  @HttpCode(Op.dryRun.status)
  async dryRun(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention_id') id: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, READ);
    const { removals } = await withSwrCodes(this.rpc.call(RetentionRpc.dryRun, { repository: name, id: retentionId(id) }), RETENTION_CODES);
    return { removals: removals.map((r) => ({ tag: r.tag, digest: r.digest, rule_type: r.ruleType })) };
  }

  @Post(':retention_id/execute')
  @HttpCode(Op.execute.status)
  async execute(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('retention_id') id: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, MANAGE);
    await withSwrCodes(this.rpc.call(RetentionRpc.execute, { repository: name, id: retentionId(id) }), RETENTION_CODES);
    return {};
  }
}
