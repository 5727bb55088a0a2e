import { Controller, Inject } from '@nestjs/common';
import { MetadataRpc, RequestOf } from '@swr/contracts';
import { Handles } from '@swr/messaging';
import { BlobService, ManifestService, UploadService } from '@swr/metadata-core';

type Req<K extends keyof typeof MetadataRpc> = RequestOf<(typeof MetadataRpc)[K]>;

/** The metadata service's request/reply surface: parse (done by @Handles), call, return. */
@Controller()
export class MetadataRpcController {
  constructor(
    @Inject(BlobService) private readonly blobs: BlobService,
    @Inject(UploadService) private readonly uploads: UploadService,
    @Inject(ManifestService) private readonly manifests: ManifestService,
  ) {}

  @Handles(MetadataRpc.blobStat)
  blobStat(req: Req<'blobStat'>) {
    return this.blobs.stat(req.repository, req.digest);
  }

  @Handles(MetadataRpc.blobMount)
  blobMount(req: Req<'blobMount'>) {
    return this.blobs.mount(req.repository, req.from, req.digest, req.account);
  }

  @Handles(MetadataRpc.blobUnlink)
  async blobUnlink(req: Req<'blobUnlink'>) {
    await this.blobs.unlink(req.repository, req.digest);
    return {};
  }

  @Handles(MetadataRpc.uploadStart)
  uploadStart(req: Req<'uploadStart'>) {
    return this.uploads.start(req.repository, req.algorithm, req.account);
  }

  @Handles(MetadataRpc.uploadGet)
  uploadGet(req: Req<'uploadGet'>) {
    return this.uploads.get(req.repository, req.id);
  }

  @Handles(MetadataRpc.uploadHold)
  uploadHold(req: Req<'uploadHold'>) {
    return this.uploads.hold(req.repository, req.id, req.digest);
  }

  @Handles(MetadataRpc.uploadParts)
  async uploadParts(req: Req<'uploadParts'>) {
    return { parts: await this.uploads.parts(req.repository, req.id) };
  }

  @Handles(MetadataRpc.uploadAppend)
  uploadAppend(req: Req<'uploadAppend'>) {
    return this.uploads.append(req.repository, req.id, req.offset, req.part);
  }

  @Handles(MetadataRpc.uploadComplete)
  async uploadComplete(req: Req<'uploadComplete'>) {
    await this.uploads.complete(req.repository, req.id, req.digest, req.size);
    return {};
  }

  @Handles(MetadataRpc.uploadCancel)
  async uploadCancel(req: Req<'uploadCancel'>) {
    await this.uploads.cancel(req.repository, req.id);
    return {};
  }

  @Handles(MetadataRpc.manifestPut)
  manifestPut(req: Req<'manifestPut'>) {
    return this.manifests.put(req);
  }

  @Handles(MetadataRpc.manifestGet)
  manifestGet(req: Req<'manifestGet'>) {
    return this.manifests.get(req.repository, req.reference, req.withContent);
  }

  @Handles(MetadataRpc.manifestDelete)
  async manifestDelete(req: Req<'manifestDelete'>) {
    await this.manifests.delete(req.repository, req.reference);
    return {};
  }

  @Handles(MetadataRpc.tagList)
  tagList(req: Req<'tagList'>) {
    return this.manifests.listTags(req.repository, { n: req.n, last: req.last });
  }

  @Handles(MetadataRpc.catalogList)
  catalogList(req: Req<'catalogList'>) {
    return this.manifests.listRepositories({ n: req.n, last: req.last });
  }

  @Handles(MetadataRpc.referrersList)
  referrersList(req: Req<'referrersList'>) {
    return this.manifests.listReferrers(req.repository, req.digest, req.artifactType);
  }
}
