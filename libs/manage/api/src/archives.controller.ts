import { Controller, Headers, HttpCode, Inject, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, repositoryName, SwrErrorFilter } from '@swr/api-http';
import type { CallerPayload, RpcClient } from '@swr/contracts';
import { ArchiveError, ImportedImage } from '@swr/distribution-core';
import { OciError } from '@swr/oci';
import type { FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { ManageAccess } from './access';
import { ArchiveOperations as Op } from './archive.operations';
import { ARCHIVE_IMPORTS, ArchiveImports } from './archive-imports';
import { MANAGE_RPC } from './manage-api.settings';

/** Image archives uploaded through the console (or any client): one archive per request, streamed. */
@Controller()
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class ArchivesController {
  private readonly access: ManageAccess;

  constructor(
    @Inject(MANAGE_RPC) rpc: RpcClient,
    @Inject(ARCHIVE_IMPORTS) private readonly archives: ArchiveImports,
  ) {
    this.access = new ManageAccess(rpc);
  }

  @Post('v2/manage/namespaces/:namespace/repos/:repository/archives')
  @HttpCode(Op.upload.status)
  async upload(
    @Caller() caller: CallerPayload,
    @Param('namespace') namespace: string,
    @Param('repository') path: string,
    @Req() request: FastifyRequest,
    @Headers('content-length') length?: string,
  ) {
    const name = repositoryName(namespace, path);
    const body = request.body;
    if (!(body instanceof Readable)) {
      throw new ApiError(400, `send the archive itself as the body, as ${Op.upload.rawBody.contentTypes.join(', ')}`, undefined, '0069');
    }
    if (length !== undefined && Number(length) > this.archives.maxBytes) throw tooLarge(this.archives.maxBytes);
    await this.access.push(caller, name);
    let images: ImportedImage[];
    try {
      images = await this.archives.import(name, caller.accountId, body);
    } catch (error) {
      throw refusal(error, this.archives.maxBytes);
    }
    return { images: images.map((i) => ({ tag: i.tag, digest: i.digest, size: i.size, media_type: i.mediaType })) };
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, `the archive is larger than the limit of ${limit} bytes`, undefined, '0025');
}

/** An import's failure as the management API answers it. */
function refusal(error: unknown, limit: number): unknown {
  if (error instanceof ArchiveError) return error.reason === 'too-large' ? tooLarge(limit) : new ApiError(400, error.message, undefined, '0069');
  if (error instanceof OciError) {
    if (error.code === 'DENIED') return new ApiError(400, error.message, undefined, '0098');
    if (error.code === 'UNAVAILABLE') return new ApiError(503, error.message);
    if (error.code !== 'UNKNOWN') return new ApiError(400, `the image was refused: ${error.message}`, undefined, '0069');
  }
  return error;
}
