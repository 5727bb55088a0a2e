import { Controller, Get, Inject, Param, Query, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, parseQuery, projectIdOf, SwrErrorFilter } from '@swr/api-http';
import { AuditRpc, CallerPayload, RpcClient } from '@swr/contracts';
import { MANAGE_RPC } from './manage-api.settings';
import { TraceOperations as Op } from './trace.operations';

const DEFAULT_LIMIT = 50;

/** The audit trail, CTS style: an account's admins read their own account's traces. */
@Controller('v3')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class TracesController {
  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {}

  @Get(':project_id/traces')
  async list(@Caller() caller: CallerPayload, @Param('project_id') projectId: string, @Query() query: Record<string, string>) {
    if (projectId !== projectIdOf(caller.accountId)) throw new ApiError(403, 'the token is not scoped to this project', undefined, '9001');
    if (!caller.isAdmin) throw new ApiError(403, "only the account's admins may read its audit trail", undefined, '0170');
    const q = parseQuery(Op.list.query, query);
    const page = await this.rpc.call(AuditRpc.tracesList, {
      accountId: caller.accountId,
      limit: q.limit ?? DEFAULT_LIMIT,
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.next ? { next: q.next } : {}),
      ...(q.trace_name ? { traceName: q.trace_name } : {}),
      ...(q.trace_rating ? { traceRating: q.trace_rating } : {}),
      ...(q.resource_type ? { resourceType: q.resource_type } : {}),
      ...(q.resource_name ? { resourceName: q.resource_name } : {}),
      ...(q.resource_id ? { resourceId: q.resource_id } : {}),
      ...(q.user ? { user: q.user } : {}),
    });
    return { traces: page.traces, meta_data: { count: page.count, ...(page.marker ? { marker: page.marker } : {}) } };
  }
}
