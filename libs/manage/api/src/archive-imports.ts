import type { BlobStore } from '@swr/blob-store';
import type { RpcClient } from '@swr/contracts';
import { ArchiveImporter, BlobUploads, ImportedImage, Manifests, MetadataClient, RegistryArchiveSink } from '@swr/distribution-core';
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { ARCHIVE_CONTENT_TYPES } from './archive.operations';

export const ARCHIVE_IMPORTS = Symbol('ArchiveImports');
export const DEFAULT_ARCHIVE_MAX_BYTES = 2 * 1024 ** 3;

/** Image archives pushed into a repository through the registry's own upload path. */
export interface ArchiveImports {
  readonly maxBytes: number;
  import(repository: string, account: string, body: Readable): Promise<ImportedImage[]>;
}

/** The upload and manifest services a docker push goes through, driven by the archive importer. */
export function registryArchiveImports(blobStore: BlobStore, rpc: RpcClient, maxBytes = DEFAULT_ARCHIVE_MAX_BYTES): ArchiveImports {
  const metadata = new MetadataClient(rpc);
  const uploads = new BlobUploads(metadata, blobStore);
  const manifests = new Manifests(metadata);
  return {
    maxBytes,
    import: (repository, account, body) => new ArchiveImporter(new RegistryArchiveSink(uploads, manifests, repository, account), maxBytes).import(body),
  };
}

const ARCHIVE_ROUTE = /\/archives$/;

/**
 * Archive bodies reach the archive route as the request's own stream: Fastify neither reads nor
 * limits them (the route counts the bytes itself), while every other route keeps the JSON parser
 * and its body limit, and refuses these media types.
 */
export function acceptArchiveBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser([...ARCHIVE_CONTENT_TYPES], (request, payload, done) => {
    if (!ARCHIVE_ROUTE.test(request.routeOptions.url ?? '')) {
      done(Object.assign(new Error(`unsupported content type ${String(request.headers['content-type']).slice(0, 100)}`), { statusCode: 415 }), undefined);
      return;
    }
    // Nothing for a request signature to read: the archive is not buffered for it.
    (request as { rawBody?: string }).rawBody = '';
    done(null, payload);
  });
  // A refused archive (no permission, too large, not an archive) is answered before the client has
  // sent all of it: the rest is read and dropped, so that the client gets to read the answer
  // instead of a connection reset in the middle of its upload.
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    if (ARCHIVE_ROUTE.test(request.routeOptions.url ?? '') && !request.raw.readableEnded) request.raw.resume();
    done(null, payload);
  });
}
