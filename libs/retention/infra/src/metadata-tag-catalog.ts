import { RetentionTagsRpc, type RpcClient } from '@swr/contracts';
import type { CandidateTag, TagCatalog } from '@swr/retention-core';

/** The repository's tags through the metadata service, which owns them: deletes there emit the same events as a user's. */
export class MetadataTagCatalog implements TagCatalog {
  constructor(private readonly rpc: RpcClient) {}

  async candidates(repository: string): Promise<CandidateTag[] | undefined> {
    const found = await this.rpc.call(RetentionTagsRpc.candidates, { repository });
    return found?.tags.map((t) => ({ name: t.tag, digest: t.digest, pushedAt: new Date(t.pushedAt) }));
  }

  async remove(repository: string, tags: ReadonlyArray<{ tag: string; digest: string }>): Promise<string[]> {
    return (await this.rpc.call(RetentionTagsRpc.remove, { repository, tags: [...tags] })).removed;
  }
}
