import { z } from 'zod';

/** The settings of a process without an HTTP surface of its own: where its health and metrics are served. */
export const OPS_ENVIRONMENT = {
  /** `/healthz`, `/readyz` and `/metrics` on this port; none when unset. */
  SWR_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SWR_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  /** On SIGTERM, requests, events and jobs under way get this long to finish before the process lets go of them. */
  SWR_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** On SIGTERM, how long the process reports itself unready before it stops taking work. */
  SWR_SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).default(0),
};
