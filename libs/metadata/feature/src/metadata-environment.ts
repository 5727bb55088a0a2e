import { env } from '@swr/config';
import type { AccountLimits } from '@swr/metadata-core';
import { z } from 'zod';

/** The quota variables every process that runs the metadata module reads; 0 is no limit. */
export const METADATA_ENVIRONMENT = {
  SWR_QUOTA_REPOSITORIES: env.int(500),
  SWR_QUOTA_STORAGE_BYTES: env.int(0),
};

type MetadataEnvironment = z.infer<z.ZodObject<typeof METADATA_ENVIRONMENT>>;

export function accountLimitsFrom(config: MetadataEnvironment): AccountLimits {
  const limit = (value: number) => (value === 0 ? -1 : value);
  return { repositories: limit(config.SWR_QUOTA_REPOSITORIES), bytes: limit(config.SWR_QUOTA_STORAGE_BYTES) };
}
