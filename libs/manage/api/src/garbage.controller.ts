import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, parseBody, parseQuery, SwrErrorFilter } from '@swr/api-http';
import { CallerPayload, GarbageRpc, GarbageRunPayload, IamRpc, RpcClient } from '@swr/contracts';
import type { FastifyReply } from 'fastify';
import { GarbageOperations as Op } from './garbage.operations';
import { MANAGE_RPC } from './manage-api.settings';
import { contentRange } from './views';

const DEFAULT_LIMIT = 20;

function runItem(run: GarbageRunPayload) {
  return {
    id: run.id,
    trigger: run.trigger,
    dry_run: run.dryRun,
    status: run.status,
    started_at: run.startedAt,
    ...(run.finishedAt ? { finished_at: run.finishedAt } : {}),
    ...(run.durationMs !== undefined ? { duration_ms: run.durationMs } : {}),
    ...(run.error ? { error: run.error } : {}),
    manifests_deleted: run.manifestsDeleted,
    links_removed: run.linksRemoved,
    blobs_deleted: run.blobsDeleted,
    bytes_freed: run.bytesFreed,
    uploads_removed: run.uploadsRemoved,
  };
}

/** Garbage collection on demand and its history: the operator's admins only, since it spans every account. */
@Controller('v2/manage/gc/runs')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class GarbageController {
  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {}

  @Post()
  async run(@Caller() caller: CallerPayload, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.mustBeOperator(caller);
    const { dry_run: dryRun } = parseBody(Op.run.body, body ?? {});
    const run = await this.rpc.call(GarbageRpc.run, { trigger: 'admin', dryRun });
    reply.code(dryRun ? 200 : Op.run.status);
    return runItem(run);
  }

  @Get()
  async list(@Caller() caller: CallerPayload, @Query() raw: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.mustBeOperator(caller);
    const q = parseQuery(Op.list.query, raw);
    const offset = q.offset ?? 0;
    const page = await this.rpc.call(GarbageRpc.list, { limit: q.limit ?? DEFAULT_LIMIT, offset });
    reply.header('content-range', contentRange(offset, page.runs.length, page.total));
    return page.runs.map(runItem);
  }

  @Get(':id')
  @HttpCode(Op.get.status)
  async get(@Caller() caller: CallerPayload, @Param('id') id: string) {
    await this.mustBeOperator(caller);
    const run = /^\d{1,18}$/.test(id) ? await this.rpc.call(GarbageRpc.get, { id }) : null;
    if (!run) throw new ApiError(404, 'no such garbage collection run', undefined, '0010');
    return runItem(run);
  }

  private async mustBeOperator(caller: CallerPayload): Promise<void> {
    const { operator } = await this.rpc.call(IamRpc.operatorCheck, { caller });
    if (!operator) throw new ApiError(403, "only the admins of the operator's account collect garbage", undefined, '0170');
  }
}
