import type { ApiOperation } from '@swr/api-http';
import { z } from 'zod';
import { limitOffset, whole } from './query-values';

export const garbageRunItem = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'admin']),
  dry_run: z.boolean(),
  status: z.enum(['running', 'succeeded', 'failed']),
  started_at: z.string(),
  finished_at: z.string().optional(),
  duration_ms: z.number().int().optional(),
  error: z.string().optional(),
  manifests_deleted: z.number().int(),
  links_removed: z.number().int(),
  blobs_deleted: z.number().int(),
  bytes_freed: z.number().int(),
  uploads_removed: z.number().int(),
});

const runs = '/v2/manage/gc/runs';
const operatorOnly = { 401: 'no valid credential', 403: "not an admin of the operator's account" };

/** Our own API (SWR has none): garbage collection, for the operator's admins. */
export const GarbageOperations = {
  run: {
    id: 'RunGarbageCollection',
    audit: { trace: 'runGarbageCollection', resource: 'gc', changesNothing: true },
    method: 'POST',
    path: runs,
    summary:
      'Collect garbage now (202, the run as it starts; follow it by id), or with dry_run answer what a collection would remove now (200) and remove nothing. Untagged manifests nothing references, unreferenced links and blobs past the grace period (SWR_GC_GRACE_SECONDS), abandoned uploads (SWR_GC_UPLOAD_TTL_SECONDS)',
    tag: 'Garbage collection',
    status: 202,
    body: z.strictObject({ dry_run: z.boolean().default(false) }),
    response: garbageRunItem,
    errors: { ...operatorOnly, 400: 'invalid body (SVCSTG.SWR.4001025)' },
  },
  list: {
    id: 'ListGarbageCollections',
    audit: { trace: 'listGarbageCollections', resource: 'gc' },
    method: 'GET',
    path: runs,
    summary: 'The history of collections, newest first, with what each removed, the bytes freed and how long it took (Content-Range: offset-count/total)',
    tag: 'Garbage collection',
    status: 200,
    query: z.strictObject({ ...limitOffset, limit: whole(1, 100).optional() }),
    response: z.array(garbageRunItem),
    errors: { ...operatorOnly, 400: 'invalid query (SVCSTG.SWR.4001025)' },
  },
  get: {
    id: 'ShowGarbageCollection',
    audit: { trace: 'showGarbageCollection', resource: 'gc' },
    method: 'GET',
    path: `${runs}/{id}`,
    summary: 'One collection, running or done',
    tag: 'Garbage collection',
    status: 200,
    response: garbageRunItem,
    errors: { ...operatorOnly, 404: 'no such run' },
  },
} satisfies Record<string, ApiOperation>;
