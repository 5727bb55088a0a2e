import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, organizationName, parseBody, parseQuery, repositoryName, registryHost, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, IamRpc, RepositoryRpc, RequestOf, RpcClient } from '@swr/contracts';
import type { FastifyReply } from 'fastify';
import { ManageAccess, MANAGE, WRITE } from './access';
import { MANAGE_RPC, MANAGE_SETTINGS, ManageApiSettings } from './manage-api.settings';
import { RepositoryOperations as Op } from './manage.operations';
import { contentRange, repositoryDetail, repositoryListItem, repositoryV3 } from './views';

/** SWR's rule for a repository's path inside its organization. */
const REPOSITORY_PATH = /^[a-z0-9]+(?:(?:\.|\/|_{1,2}|-+)[a-z0-9]+)*$/;
const DEFAULT_LIMIT = 100;

type ListFilters = Pick<RequestOf<typeof RepositoryRpc.list>, 'namespace' | 'name' | 'category' | 'isPublic' | 'orderColumn' | 'orderType'>;

interface SharedSide {
  readonly names: string[];
  /** Per repository: the account on the other side, and whether a share still holds. */
  readonly byRepository: Map<string, { owner: string; active: boolean }>;
}

/** SWR's repository API: create, change, show, delete, and the v2 and v3 lists. */
@Controller()
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class RepositoriesController {
  private readonly access: ManageAccess;

  constructor(
    @Inject(MANAGE_RPC) private readonly rpc: RpcClient,
    @Inject(MANAGE_SETTINGS) private readonly settings: ManageApiSettings,
  ) {
    this.access = new ManageAccess(rpc);
  }

  @Post('v2/manage/namespaces/:namespace/repos')
  @HttpCode(Op.create.status)
  async create(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Body() body: unknown) {
    const request = parseBody(Op.create.body, body);
    if (!REPOSITORY_PATH.test(request.repository)) {
      throw new ApiError(400, 'a repository name holds a-z, 0-9 and single ".", "/", "_", "__" or "-" separators, starting and ending with a letter or digit', undefined, '1029');
    }
    await this.access.organization(caller, organizationName(namespace), WRITE);
    const name = `${namespace}/${request.repository}`;
    await withSwrCodes(
      this.rpc.call(RepositoryRpc.create, {
        accountId: caller.accountId,
        repository: name,
        isPublic: request.is_public,
        category: request.category,
        description: request.description,
        creatorId: caller.userId,
        creatorName: caller.userName,
      }),
      { META_REPOSITORY_EXISTS: '0006', META_QUOTA_EXCEEDED: '0098', META_INVALID_REQUEST: '1029' },
    );
    if (request.is_public) await this.rpc.call(IamRpc.repositoryPublicSet, { caller, repository: name, isPublic: true });
    return {};
  }

  @Patch('v2/manage/namespaces/:namespace/repos/:repository')
  @HttpCode(Op.update.status)
  async update(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string, @Body() body: unknown) {
    const request = parseBody(Op.update.body, body);
    const name = repositoryName(namespace, path);
    await this.access.repository(caller, name, WRITE);
    // IAM decides who may pull, so it learns first: a failure there leaves the listed attribute unchanged.
    await this.rpc.call(IamRpc.repositoryPublicSet, { caller, repository: name, isPublic: request.is_public });
    await this.rpc.call(RepositoryRpc.update, { repository: name, isPublic: request.is_public, category: request.category, description: request.description });
    return {};
  }

  @Get('v2/manage/namespaces/:namespace/repos/:repository')
  async get(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string, @Headers('host') host?: string) {
    return repositoryDetail(await this.access.repository(caller, repositoryName(namespace, path), 1), registryHost(this.settings.publicUrl, host));
  }

  @Delete('v2/manage/namespaces/:namespace/repos/:repository')
  @HttpCode(Op.delete.status)
  async delete(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string) {
    const name = repositoryName(namespace, path);
    await this.access.repository(caller, name, MANAGE);
    await withSwrCodes(this.rpc.call(RepositoryRpc.delete, { repository: name }), { META_REPOSITORY_NOT_FOUND: '0010' });
    await this.rpc.call(IamRpc.repositoryForget, { caller, repository: name });
  }

  @Get('v2/manage/repos')
  async list(@Caller() caller: CallerPayload, @Query() raw: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply, @Headers('host') host?: string) {
    const q = parseQuery(Op.list.query, raw);
    const scope = await this.rpc.call(IamRpc.visibleScope, { caller });
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = q.offset ?? 0;
    const page = await this.rpc.call(RepositoryRpc.list, {
      accountId: caller.accountId,
      ...scope,
      ...filters(q),
      limit,
      offset,
      withTags: true,
    });
    reply.header('content-range', contentRange(offset, page.repositories.length, page.total));
    const where = registryHost(this.settings.publicUrl, host);
    return page.repositories.map((r) => repositoryListItem(r, where, caller.accountName, true, page.total));
  }

  @Get('v2/manage/shared-repositories')
  async listShared(@Caller() caller: CallerPayload, @Query() raw: Record<string, string>, @Res({ passthrough: true }) reply: FastifyReply, @Headers('host') host?: string) {
    const q = parseQuery(Op.listShared.query, raw);
    const shared = await this.shared(caller, q.center, q.status, q.domain_name);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = q.offset ?? 0;
    const orderColumn = q.order_column === 'domain_name' ? 'namespace' : q.order_column;
    const page = await this.rpc.call(RepositoryRpc.list, {
      organizations: [],
      repositories: shared.names,
      ...filters({ ...q, order_column: orderColumn }),
      limit,
      offset,
      withTags: true,
    });
    reply.header('content-range', contentRange(offset, page.repositories.length, page.total));
    const where = registryHost(this.settings.publicUrl, host);
    return page.repositories.map((r) => {
      const side = shared.byRepository.get(r.name);
      return repositoryListItem(r, where, side?.owner ?? '', side?.active ?? false, page.total);
    });
  }

  /** v3 lists page by a numeric marker: where the next page starts. */
  @Get('v3/manage/repos')
  async listV3(@Caller() caller: CallerPayload, @Query() raw: Record<string, string>) {
    const q = parseQuery(Op.listV3.query, raw);
    const scope = await this.rpc.call(IamRpc.visibleScope, { caller });
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = q.marker ?? 0;
    const page = await this.rpc.call(RepositoryRpc.list, { accountId: caller.accountId, ...scope, ...filters(q), limit, offset, withTags: false });
    const repos = page.repositories.map((r) => repositoryV3(r, caller.accountName, true));
    return { repos, nextMarker: offset + repos.length < page.total ? offset + repos.length : -1 };
  }

  @Get('v3/manage/shared-repositories')
  async listSharedV3(@Caller() caller: CallerPayload, @Query() raw: Record<string, string>) {
    const q = parseQuery(Op.listSharedV3.query, raw);
    const shared = await this.shared(caller, q.shared_by, q.status);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = q.marker ?? 0;
    const page = await this.rpc.call(RepositoryRpc.list, { organizations: [], repositories: shared.names, ...filters(q), limit, offset, withTags: false });
    const repos = page.repositories.map((r) => {
      const side = shared.byRepository.get(r.name);
      return repositoryV3(r, side?.owner ?? '', side?.active ?? false);
    });
    return { repos, nextMarker: offset + repos.length < page.total ? offset + repos.length : -1 };
  }

  /**
   * The repositories on one side of the account's shares. Shared out (`self`), the owner is the
   * caller's account; shared in (`thirdparty`), it is the sharing account.
   */
  private async shared(caller: CallerPayload, center: 'self' | 'thirdparty', status?: boolean, domainName?: string): Promise<SharedSide> {
    const { shares } = await this.rpc.call(IamRpc.sharedRepositories, { caller, center });
    const byRepository = new Map<string, { owner: string; active: boolean }>();
    for (const share of shares) {
      const owner = center === 'self' ? caller.accountName : share.otherAccountName;
      if (domainName !== undefined && owner !== domainName) continue;
      const seen = byRepository.get(share.repository);
      byRepository.set(share.repository, { owner, active: share.active || (seen?.active ?? false) });
    }
    for (const [repository, side] of byRepository) if (status !== undefined && side.active !== status) byRepository.delete(repository);
    return { names: [...byRepository.keys()], byRepository };
  }
}

function filters(q: { namespace?: string; name?: string; category?: string; is_public?: boolean; order_column?: string; order_type?: 'asc' | 'desc' }): ListFilters {
  return {
    namespace: q.namespace,
    name: q.name,
    category: q.category as ListFilters['category'],
    isPublic: q.is_public,
    orderColumn: q.order_column as ListFilters['orderColumn'],
    orderType: q.order_type,
  };
}
