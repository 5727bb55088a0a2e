import { env } from '@swr/config';

/** The retention worker's schedules, shared by the worker and standalone. */
export const RETENTION_ENVIRONMENT = {
  /** Every retention policy is applied again this often (besides at once when set or changed). */
  SWR_RETENTION_EVERY_HOURS: env.int(24, 1),
  /** Garbage collection runs this often. */
  SWR_GC_EVERY_MINUTES: env.int(60, 1),
};
