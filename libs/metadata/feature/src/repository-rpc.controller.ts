import { Controller, Inject } from '@nestjs/common';
import { RepositoryRpc, RequestOf, RetentionTagsRpc } from '@swr/contracts';
import { Handles } from '@swr/messaging';
import { RepositoryService } from '@swr/metadata-core';

type Req<K extends keyof typeof RepositoryRpc> = RequestOf<(typeof RepositoryRpc)[K]>;

/** Repository and tag management over RPC: parse (done by @Handles), call, return. */
@Controller()
export class RepositoryRpcController {
  constructor(@Inject(RepositoryService) private readonly repositories: RepositoryService) {}

  @Handles(RepositoryRpc.create)
  create(req: Req<'create'>) {
    return this.repositories.create(req);
  }

  @Handles(RepositoryRpc.update)
  update(req: Req<'update'>) {
    return this.repositories.update(req.repository, req);
  }

  @Handles(RepositoryRpc.get)
  get(req: Req<'get'>) {
    return this.repositories.get(req.repository);
  }

  @Handles(RepositoryRpc.delete)
  async delete(req: Req<'delete'>) {
    await this.repositories.delete(req.repository);
    return {};
  }

  @Handles(RepositoryRpc.list)
  list(req: Req<'list'>) {
    return this.repositories.list(req);
  }

  @Handles(RepositoryRpc.organizationCounts)
  async organizationCounts(req: Req<'organizationCounts'>) {
    return { counts: await this.repositories.organizationCounts(req.organizations) };
  }

  @Handles(RepositoryRpc.organizationRemove)
  async organizationRemove(req: Req<'organizationRemove'>) {
    await this.repositories.removeOrganization(req.organization);
    return {};
  }

  @Handles(RepositoryRpc.tagList)
  tagList(req: Req<'tagList'>) {
    return this.repositories.listTags(req.repository, req);
  }

  @Handles(RepositoryRpc.tagGet)
  tagGet(req: Req<'tagGet'>) {
    return this.repositories.getTag(req.repository, req.tag);
  }

  @Handles(RepositoryRpc.tagCreate)
  tagCreate(req: Req<'tagCreate'>) {
    return this.repositories.copyTag(req.repository, req.source, req.destination, req.override);
  }

  @Handles(RepositoryRpc.tagDelete)
  async tagDelete(req: Req<'tagDelete'>) {
    await this.repositories.deleteTag(req.repository, req.tag);
    return {};
  }

  @Handles(RetentionTagsRpc.candidates)
  async retentionCandidates(req: RequestOf<typeof RetentionTagsRpc.candidates>) {
    const tags = await this.repositories.tagsWithDigests(req.repository);
    return tags && { tags };
  }

  @Handles(RetentionTagsRpc.remove)
  async retentionRemove(req: RequestOf<typeof RetentionTagsRpc.remove>) {
    return { removed: await this.repositories.deleteTagsAt(req.repository, req.tags) };
  }

  @Handles(RepositoryRpc.downloadsRecord)
  async downloadsRecord(req: Req<'downloadsRecord'>) {
    await this.repositories.recordDownloads(req.batchId, req.counts);
    return {};
  }

  @Handles(RepositoryRpc.accountUsage)
  accountUsage(req: Req<'accountUsage'>) {
    return this.repositories.usage(req.accountId);
  }

  @Handles(RepositoryRpc.accountDays)
  async accountDays(req: Req<'accountDays'>) {
    return { days: await this.repositories.accountDays(req.accountId, req.days) };
  }
}
