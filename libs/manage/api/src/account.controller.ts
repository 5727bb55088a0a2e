import { Controller, Get, Headers, Inject, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, projectIdOf, SwrErrorFilter } from '@swr/api-http';
import { CallerPayload, IamRpc, RepositoryRpc, RpcClient } from '@swr/contracts';
import { MANAGE_RPC } from './manage-api.settings';

/** An account's quotas and totals, from live data. */
@Controller('v2/manage')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class AccountController {
  constructor(@Inject(MANAGE_RPC) private readonly rpc: RpcClient) {}

  @Get('projects/:projectId/quotas')
  async quotas(@Caller() caller: CallerPayload, @Param('projectId') projectId: string) {
    if (projectId !== projectIdOf(caller.accountId)) throw new ApiError(403, 'the token is not scoped to this project', undefined, '9001');
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

  @Get('overview')
  async overview(@Caller() caller: CallerPayload) {
    const [organizations, usage] = await Promise.all([
      this.rpc.call(IamRpc.organizationQuota, { caller }),
      this.rpc.call(RepositoryRpc.accountUsage, { accountId: caller.accountId }),
    ]);
    return {
      domain_id: caller.accountId,
      domain_name: caller.accountName,
      namspace_num: organizations.used,
      repo_num: usage.repositories,
      image_num: usage.tags,
      store_space: usage.bytes,
      // Egress bytes are not metered (pulls are counted per repository, in num_download).
      downflow_size: 0,
    };
  }
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
