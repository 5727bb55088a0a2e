import { env } from '@swr/config';
import { AddressPolicy } from '@swr/trigger-core';
import { z } from 'zod';

/** The trigger worker's settings, shared by the worker and standalone. */
export const TRIGGER_ENVIRONMENT = {
  /** Let webhooks reach private, loopback and link-local addresses (a closed network's own receivers). */
  SWR_WEBHOOK_ALLOW_PRIVATE: env.boolean(false),
  /** Addresses or CIDRs webhooks may reach although private, comma-separated. */
  SWR_WEBHOOK_ALLOW_LIST: z.string().default(''),
  /** Attempts per delivery, the first included. */
  SWR_WEBHOOK_ATTEMPTS: env.int(5, 1),
  /** The wait before the first retry, doubling (with jitter) each time after. */
  SWR_WEBHOOK_BACKOFF_MS: env.int(2_000, 10),
};

/** The address policy the settings describe (an invalid allow-list stops the process at start). */
export function addressPolicyFrom(config: { SWR_WEBHOOK_ALLOW_PRIVATE: boolean; SWR_WEBHOOK_ALLOW_LIST: string }): AddressPolicy {
  return new AddressPolicy({ allowPrivate: config.SWR_WEBHOOK_ALLOW_PRIVATE, allowList: AddressPolicy.parseAllowList(config.SWR_WEBHOOK_ALLOW_LIST) });
}
