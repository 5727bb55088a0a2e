import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { Caller, CallerGuard, parseBody, parseQuery, repositoryName, registryHost, SwrErrorFilter, withSwrCodes } from '@swr/api-http';
import { CallerPayload, MetadataRpc, RepositoryRpc, RpcClient } from '@swr/contracts';
import type { FastifyReply } from 'fastify';
import { ManageAccess, MANAGE, READ, WRITE } from './access';
import { MANAGE_RPC, MANAGE_SETTINGS, ManageApiSettings } from './manage-api.settings';
import { TagOperations as Op } from './manage.operations';
import { contentRange, swrTime, tagFields } from './views';

const DEFAULT_LIMIT = 100;
const TAG_CODES = { META_REPOSITORY_NOT_FOUND: '0010', META_TAG_NOT_FOUND: '0048' };
const IN_REPOSITORY = 'v2/manage/namespaces/:namespace/repos/:repository';

/** SWR's tag (image version) API, and the accessory listings built on the referrers index. */
@Controller()
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class TagsController {
  private readonly access: ManageAccess;

  constructor(
    @Inject(MANAGE_RPC) private readonly rpc: RpcClient,
    @Inject(MANAGE_SETTINGS) private readonly settings: ManageApiSettings,
  ) {
    this.access = new ManageAccess(rpc);
  }

  @Get(`${IN_REPOSITORY}/tags`)
  async list(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') path: string,
    @Query() raw: Record<string, string>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('host') host?: string,
  ) {
    const q = parseQuery(Op.list.query, raw);
    const name = repositoryName(namespace, path);
    const repository = await this.access.repository(caller, name, READ);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = q.offset ?? 0;
    const page = await withSwrCodes(
      this.rpc.call(RepositoryRpc.tagList, { repository: name, tag: q.tag, orderColumn: q.order_column, orderType: q.order_type, limit, offset }),
      TAG_CODES,
    );
    reply.header('content-range', contentRange(offset, page.tags.length, page.total));
    const where = registryHost(this.settings.publicUrl, host);
    return page.tags.map((t) => ({ ...tagFields(t, name, where, repository.accountId), Tag: t.tag, deleted: null, scanned: false }));
  }

  @Get(`${IN_REPOSITORY}/tags/:tag`)
  async get(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string, @Param('tag') tag: string, @Headers('host') host?: string) {
    const name = repositoryName(namespace, path);
    const repository = await this.access.repository(caller, name, READ);
    const found = await withSwrCodes(this.rpc.call(RepositoryRpc.tagGet, { repository: name, tag }), { ...TAG_CODES, RPC_BAD_REQUEST: '9021' });
    return { ...tagFields(found, name, registryHost(this.settings.publicUrl, host), repository.accountId), tag: found.tag };
  }

  @Post(`${IN_REPOSITORY}/tags`)
  @HttpCode(Op.create.status)
  async create(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string, @Body() body: unknown) {
    const request = parseBody(Op.create.body, body);
    const name = repositoryName(namespace, path);
    await this.access.repository(caller, name, WRITE);
    await withSwrCodes(
      this.rpc.call(RepositoryRpc.tagCreate, { repository: name, source: request.source_tag, destination: request.destination_tag, override: request.override ?? false }),
      TAG_CODES,
    );
    return {};
  }

  @Delete(`${IN_REPOSITORY}/tags/:tag`)
  @HttpCode(Op.delete.status)
  async delete(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string, @Param('tag') tag: string) {
    const name = repositoryName(namespace, path);
    await this.access.repository(caller, name, MANAGE);
    await withSwrCodes(this.rpc.call(RepositoryRpc.tagDelete, { repository: name, tag }), { ...TAG_CODES, RPC_BAD_REQUEST: '9021' });
  }

  @Get(`v3/manage/namespaces/:namespace/repos/:repository/tags`)
  async listV3(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') path: string,
    @Query() raw: Record<string, string>,
    @Headers('host') host?: string,
  ) {
    const q = parseQuery(Op.listV3.query, raw);
    const name = repositoryName(namespace, path);
    const repository = await this.access.repository(caller, name, READ);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const offset = Number(q.marker ?? 0);
    const page = await withSwrCodes(
      this.rpc.call(RepositoryRpc.tagList, { repository: name, tag: q.tag, orderColumn: q.order_column, orderType: q.order_type, limit, offset }),
      TAG_CODES,
    );
    const where = registryHost(this.settings.publicUrl, host);
    const hasMore = offset + page.tags.length < page.total;
    return {
      tags: page.tags.map((t) => ({ ...tagFields(t, name, where, repository.accountId, q.with_manifest ?? false), tag: t.tag })),
      nextMarker: hasMore ? String(offset + page.tags.length) : '',
      has_more: hasMore,
    };
  }

  /** Artifacts whose subject is the tagged manifest: signatures, SBOMs, attestations. */
  @Get(`${IN_REPOSITORY}/:tag/accessories`)
  async accessories(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string, @Param('tag') tag: string, @Query() raw: Record<string, string>) {
    const q = parseQuery(Op.accessories.query, raw);
    const name = repositoryName(namespace, path);
    const repository = await this.access.repository(caller, name, READ);
    const target = await withSwrCodes(this.rpc.call(RepositoryRpc.tagGet, { repository: name, tag }), { ...TAG_CODES, RPC_BAD_REQUEST: '9021' });
    const { manifests } = await this.rpc.call(MetadataRpc.referrersList, { repository: name, digest: target.digest });
    const offset = q.offset ?? 0;
    const page = manifests.slice(offset, offset + (q.limit ?? 10));
    const accessories = await Promise.all(
      page.map(async (referrer, i) => {
        const tags = await this.rpc.call(RepositoryRpc.tagList, { repository: name, digest: referrer.digest, limit: 1, offset: 0 });
        const signature = tags.tags[0];
        return {
          id: offset + i + 1,
          domain_id: repository.accountId,
          namespace_name: repository.organization,
          repo_name: path.replace(/\$/g, '/'),
          sig_tag: signature?.tag ?? '',
          sig_digest: referrer.digest,
          target_digest: target.digest,
          size: referrer.size,
          type: referrer.artifactType ?? referrer.mediaType,
          created_at: signature ? swrTime(signature.createdAt) : '',
          updated_at: signature ? swrTime(signature.updatedAt) : '',
        };
      }),
    );
    return { total: manifests.length, accessories };
  }

  /** The tags of the manifest an artifact refers to (its `subject`). */
  @Get(`${IN_REPOSITORY}/:tag/references`)
  async references(@Caller() caller: CallerPayload, @Param('namespace') namespace: string, @Param('repository') path: string, @Param('tag') tag: string, @Query() raw: Record<string, string>) {
    const q = parseQuery(Op.references.query, raw);
    const name = repositoryName(namespace, path);
    await this.access.repository(caller, name, READ);
    const artifact = await withSwrCodes(this.rpc.call(RepositoryRpc.tagGet, { repository: name, tag }), { ...TAG_CODES, RPC_BAD_REQUEST: '9021' });
    const subject = subjectOf(artifact.manifest);
    if (!subject) return { next_marker: '', has_more: false, tags: [] };
    const limit = q.limit ?? 10;
    const offset = Number(q.marker ?? 0);
    const page = await this.rpc.call(RepositoryRpc.tagList, { repository: name, digest: subject, orderColumn: 'tag', orderType: 'asc', limit, offset });
    const hasMore = offset + page.tags.length < page.total;
    return { next_marker: hasMore ? String(offset + page.tags.length) : '', has_more: hasMore, tags: page.tags.map((t) => t.tag) };
  }
}

function subjectOf(manifest: string): string | undefined {
  try {
    const digest = (JSON.parse(manifest) as { subject?: { digest?: unknown } }).subject?.digest;
    return typeof digest === 'string' ? digest : undefined;
  } catch {
    return undefined;
  }
}
