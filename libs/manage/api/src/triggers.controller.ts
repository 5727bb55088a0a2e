import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, parseBody, repositoryName, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, deliveryId as deliveryIdRule, RpcClient, triggerName as triggerNameRule, TriggerRpc, TriggerView } from '@swr/contracts';
import { ManageAccess, MANAGE, READ } from './access';
import { MANAGE_RPC } from './manage-api.settings';
import { TriggerOperations as Op } from './trigger.operations';

/** A trigger's name from a path: what no trigger can be called is refused before any lookup. */
function triggerName(value: string): string {
  if (!triggerNameRule.safeParse(value).success) throw new ApiError(400, `invalid trigger name: ${JSON.stringify(value.slice(0, 64))}`, undefined, '0014');
  return value;
}

/** A delivery id from a path: the ids deliveries carry (X-SWR-Delivery) are UUIDs. */
function deliveryId(value: string): string {
  if (!deliveryIdRule.safeParse(value).success) throw new ApiError(404, 'delivery not found', undefined, '0010');
  return value;
}

/** Trigger errors as SWR answers them: 400 invalid, 404 missing, 409 taken. */
const TRIGGER_CODES = { TRIGGER_INVALID: '0014', TRIGGER_NOT_FOUND: '0010', TRIGGER_CONFLICT: '0006' };

/** A trigger in SWR's shape; every history entry repeats the trigger's workload fields, as SWR's do. */
function triggerItem(t: TriggerView) {
  const workload = {
    action: t.action,
    app_type: t.appType,
    application: t.application,
    cluster_id: t.clusterId,
    cluster_name: t.clusterName,
    cluster_ns: t.clusterNs,
    condition: t.condition,
    container: t.container,
  };
  return {
    name: t.name,
    trigger_type: t.triggerType,
    enable: t.enabled ? 'true' : 'false',
    trigger_mode: t.triggerMode,
    ...workload,
    ...(t.webhook ? { webhook: { url: t.webhook.url, ...(t.webhook.headers ? { headers: t.webhook.headers } : {}), events: t.webhook.events, format: t.webhook.format, has_secret: t.webhook.hasSecret } } : {}),
    created_at: t.createdAt,
    creator_name: t.creatorName,
    trigger_history: t.history.map((h) => ({
      ...workload,
      tag: h.tag,
      result: h.result,
      detail: h.detail,
      created_at: h.createdAt,
      creator_name: t.creatorName,
      delivery_id: h.deliveryId,
      event: h.event,
      digest: h.digest,
      status: h.status,
      attempt: h.attempt,
      duration_ms: h.durationMs,
    })),
  };
}

/** SWR's trigger API, plus webhook deliveries and their redelivery. */
@Controller('v2/manage/namespaces/:namespace/repos/:repository/triggers')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class TriggersController {
  private readonly access: ManageAccess;

  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {
    this.access = new ManageAccess(rpc);
  }

  @Post()
  @HttpCode(Op.create.status)
  async create(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Body() body: unknown) {
    const name = repositoryName(namespace, repository);
    const t = parseBody(Op.create.body, body);
    await this.access.repository(caller, name, MANAGE);
    const created = await withSwrCodes(
      this.rpc.call(TriggerRpc.create, {
        repository: name,
        name: t.name,
        action: t.action,
        triggerType: t.trigger_type,
        condition: t.condition,
        enabled: t.enable === 'true',
        triggerMode: t.trigger_mode ?? 'cce',
        appType: t.app_type ?? '',
        application: t.application ?? '',
        clusterId: t.cluster_id ?? '',
        clusterName: t.cluster_name ?? '',
        clusterNs: t.cluster_ns ?? '',
        container: t.container ?? '',
        ...(t.webhook ? { webhook: t.webhook } : {}),
        creatorName: caller.userName,
      }),
      TRIGGER_CODES,
    );
    return triggerItem(created);
  }

  @Get()
  async list(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, READ);
    const { triggers } = await this.rpc.call(TriggerRpc.list, { repository: name });
    return triggers.map(triggerItem);
  }

  @Get(':trigger')
  async get(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('trigger') trigger: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, READ);
    return triggerItem(await withSwrCodes(this.rpc.call(TriggerRpc.get, { repository: name, name: triggerName(trigger) }), TRIGGER_CODES));
  }

  @Patch(':trigger')
  @HttpCode(Op.update.status)
  async update(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('trigger') trigger: string, @Body() body: unknown) {
    const name = repositoryName(namespace, repository);
    const { enable } = parseBody(Op.update.body, body);
    await this.access.repository(caller, name, MANAGE);
    return triggerItem(await withSwrCodes(this.rpc.call(TriggerRpc.update, { repository: name, name: triggerName(trigger), enabled: enable === 'true' }), TRIGGER_CODES));
  }

  @Delete(':trigger')
  @HttpCode(Op.delete.status)
  async delete(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') repository: string, @Param('trigger') trigger: string) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, MANAGE);
    await withSwrCodes(this.rpc.call(TriggerRpc.delete, { repository: name, name: triggerName(trigger) }), TRIGGER_CODES);
  }

  @Post(':trigger/histories/:delivery/redeliver')
  @HttpCode(Op.redeliver.status)
  async redeliver(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') repository: string,
    @Param('trigger') trigger: string,
    @Param('delivery') delivery: string,
  ) {
    const name = repositoryName(namespace, repository);
    await this.access.repository(caller, name, MANAGE);
    await withSwrCodes(this.rpc.call(TriggerRpc.redeliver, { repository: name, name: triggerName(trigger), deliveryId: deliveryId(delivery) }), TRIGGER_CODES);
    return {};
  }
}
