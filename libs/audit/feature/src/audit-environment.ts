import { env } from '@swr/config';

/** The audit worker's settings, shared by the worker and standalone. */
export const AUDIT_ENVIRONMENT = {
  /** Days a trace is kept before the retention job removes it. */
  SWR_AUDIT_RETENTION_DAYS: env.int(7, 1),
};
