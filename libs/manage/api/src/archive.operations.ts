import type { ApiOperation } from '@swr/api-http';
import { z } from 'zod';
import { inRepository } from './operation-paths';

/** The media types an image archive may be sent as; gzip is told by its magic bytes, not by the header. */
export const ARCHIVE_CONTENT_TYPES = ['application/x-tar', 'application/gzip', 'application/x-gzip', 'application/octet-stream'] as const;

export const ArchiveOperations = {
  upload: {
    id: 'UploadImageArchive', audit: { trace: 'uploadImageArchive', resource: 'imagerepository' },
    method: 'POST',
    path: `${inRepository}/archives`,
    summary:
      'Push the images of one archive (`docker save` output, plain or gzipped, or an OCI image layout as a tar) into a repository, created on first upload as a docker push creates it; the body is the archive itself, streamed',
    tag: 'Repositories',
    status: 201,
    rawBody: { contentTypes: [...ARCHIVE_CONTENT_TYPES], description: 'the archive\'s bytes, at most SWR_ARCHIVE_MAX_BYTES (2 GiB by default)' },
    response: z.object({
      images: z.array(z.object({ tag: z.string(), digest: z.string(), size: z.number().int().meta({ description: "the manifest's size in bytes" }), media_type: z.string() })),
    }),
    errors: {
      400: 'not an image archive, or a malformed one (SVCSTG.SWR.4000069); the storage quota would be exceeded (SVCSTG.SWR.4000098)',
      403: 'needs the write permission on the repository (SVCSTG.SWR.4030170)',
      404: 'organization not found (SVCSTG.SWR.4040058)',
      413: 'the archive is larger than the limit (SVCSTG.SWR.4130025)',
    },
  },
} satisfies Record<string, ApiOperation>;
