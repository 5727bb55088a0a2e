import { z } from 'zod';
import { rpc } from '../rpc';

const counts = {
  manifestsDeleted: z.number().int().min(0),
  linksRemoved: z.number().int().min(0),
  blobsDeleted: z.number().int().min(0),
  bytesFreed: z.number().int().min(0),
  uploadsRemoved: z.number().int().min(0),
};

/** One garbage collection: what started it, what it removed (or, for a dry run, would remove), how long it took. */
export const garbageRun = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'admin']),
  dryRun: z.boolean(),
  status: z.enum(['running', 'succeeded', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  durationMs: z.number().int().min(0).optional(),
  error: z.string().optional(),
  ...counts,
});
export type GarbageRunPayload = z.infer<typeof garbageRun>;

/** Garbage collection, run by the metadata service (it decides what is garbage and deletes it in one transaction). */
export const GarbageRpc = {
  /** Starts a collection in the background and answers it as running; a dry run answers when done. One runs at a time per metadata replica. */
  run: rpc('metadata.gc.run.v1', z.object({ trigger: z.enum(['schedule', 'admin']), dryRun: z.boolean() }), garbageRun),
  get: rpc('metadata.gc.get.v1', z.object({ id: z.string().regex(/^\d{1,18}$/) }), garbageRun.nullable()),
  list: rpc(
    'metadata.gc.list.v1',
    z.object({ limit: z.number().int().min(1).max(100), offset: z.number().int().min(0) }),
    z.object({ runs: z.array(garbageRun), total: z.number().int().min(0) }),
  ),
} as const;
