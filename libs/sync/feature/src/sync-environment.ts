import { encryptionKey, env } from '@swr/config';
import { parseSyncRegions } from '@swr/sync-core';
import { z } from 'zod';

/** The sync worker's settings, shared by the worker and standalone. */
export const SYNC_ENVIRONMENT = {
  /** The remote regions: `<regionId>=<base URL>`, comma-separated. Empty: this deployment syncs nowhere. */
  SWR_SYNC_REGIONS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseSyncRegions(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Shared by every region of the installation: the worker signs in at the others with proofs made with it. */
  SWR_SYNC_PEER_KEY: encryptionKey.optional(),
  /** A job not finished this long after it began is `timeout`. */
  SWR_SYNC_JOB_TIMEOUT_MINUTES: env.int(60, 1),
  /** Blobs larger than this go in chunks of this size: a failed copy resumes from the last chunk the remote acknowledged. */
  SWR_SYNC_CHUNK_MIB: env.int(32, 1),
  /** Blobs sent at once by one job. */
  SWR_SYNC_PARALLEL_BLOBS: env.int(3, 1),
  /** Tries of a job, the first included, with a doubling backoff between them. */
  SWR_SYNC_ATTEMPTS: env.int(5, 1),
};
