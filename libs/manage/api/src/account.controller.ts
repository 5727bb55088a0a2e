import { Controller, Get, Headers, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, projectIdOf, SwrErrorFilter } from '@swr/api-http';
import { CallerPayload, IamRpc, RepositoryRpc, RpcClient } from '@swr/contracts';
import { FEATURE_GATES } from './feature-gates';
import { MANAGE_RPC } from './manage-api.settings';

/** SWR's resource reports cover the last 30 days. */
const REPORT_DAYS = 30;
const REPORTED = { store: 'storedBytes', downflow: 'egressBytes' } as const;

/** An account's quotas, totals and daily reports, from live data. */
@Controller('v2/manage')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class AccountController {
  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {}

  @Get('projects/:projectId/quotas')
  async quotas(@Caller() caller: CallerPayload, @Param('projectId') projectId: string) {
    ownProject(caller, projectId);
    const [organizations, usage] = await Promise.all([
      this.rpc.call(IamRpc.organizationQuota, { caller }),
      this.rpc.call(RepositoryRpc.accountUsage, { accountId: caller.accountId }),
    ]);
    return {
      quotas: [
        { quota_key: 'namespace', quota_limit: organizations.limit, used: organizations.used, unit: '' },
        { quota_key: 'repository', quota_limit: usage.repositoryLimit, used: usage.repositories, unit: '' },
        { quota_key: 'storage', quota_limit: usage.byteLimit, used: usage.bytes, unit: 'byte' },
      ],
    };
  }

  @Get('projects/:projectId/feature-gates')
  featureGates(@Caller() caller: CallerPayload, @Param('projectId') projectId: string) {
    ownProject(caller, projectId);
    return FEATURE_GATES;
  }

  @Get('reports/:resourceType/:frequency')
  async reports(@Caller() caller: CallerPayload, @Param('resourceType') resourceType: string, @Param('frequency') frequency: string) {
    if (resourceType !== 'store' && resourceType !== 'downflow') throw new ApiError(400, 'resource_type is store or downflow', undefined, '0014');
    if (frequency !== 'daily') throw new ApiError(400, 'frequency is daily', undefined, '0014');
    const { days } = await this.rpc.call(RepositoryRpc.accountDays, { accountId: caller.accountId, days: REPORT_DAYS });
    return days.map((day) => ({ date: day.date, value: day[REPORTED[resourceType]] }));
  }

  @Get('overview')
  async overview(@Caller() caller: CallerPayload) {
    const [organizations, usage, { days }] = await Promise.all([
      this.rpc.call(IamRpc.organizationQuota, { caller }),
      this.rpc.call(RepositoryRpc.accountUsage, { accountId: caller.accountId }),
      this.rpc.call(RepositoryRpc.accountDays, { accountId: caller.accountId, days: REPORT_DAYS }),
    ]);
    return {
      domain_id: caller.accountId,
      domain_name: caller.accountName,
      namspace_num: organizations.used,
      repo_num: usage.repositories,
      image_num: usage.tags,
      store_space: usage.bytes,
      // Bytes served to pulls over the reports' 30 days.
      downflow_size: days.reduce((sum, day) => sum + day.egressBytes, 0),
    };
  }
}

/** Project paths name the caller's own project (SWR's projects are per account here). */
function ownProject(caller: CallerPayload, projectId: string): void {
  if (projectId !== projectIdOf(caller.accountId)) throw new ApiError(403, 'the token is not scoped to this project', undefined, '9001');
}

/** `GET /` and `GET /v2`: the API versions, for anyone. */
@Controller()
export class VersionsController {
  @Get()
  versions(@Headers('host') host?: string) {
    return { versions: [versionDetail(host)] };
  }

  @Get('v2')
  version(@Headers('host') host?: string) {
    return { version: versionDetail(host) };
  }
}

function versionDetail(host: string | undefined) {
  return {
    id: 'v2',
    links: { href: `http://${host ?? 'localhost'}/v2/`, rel: 'self' },
    version: '2.26',
    min_version: '2.0',
    status: 'CURRENT',
    updated: '2020-07-09T00:00:00Z',
  };
}
