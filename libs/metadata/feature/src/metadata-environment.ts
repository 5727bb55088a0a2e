import { env } from '@swr/config';
import { DEFAULT_GARBAGE_SETTINGS, type AccountLimits, type GarbageSettings } from '@swr/metadata-core';
import { z } from 'zod';

/** The quota and garbage collection variables every process that runs the metadata module reads; a quota of 0 is no limit. */
export const METADATA_ENVIRONMENT = {
  SWR_QUOTA_REPOSITORIES: env.int(500),
  SWR_QUOTA_STORAGE_BYTES: env.int(0),
  SWR_GC_GRACE_SECONDS: env.int(DEFAULT_GARBAGE_SETTINGS.graceMs / 1000),
  SWR_GC_UPLOAD_TTL_SECONDS: env.int(DEFAULT_GARBAGE_SETTINGS.uploadTtlMs / 1000, 1),
  SWR_GC_UNTAGGED: z.enum(['collect', 'keep']).default('collect'),
};

type MetadataEnvironment = z.infer<z.ZodObject<typeof METADATA_ENVIRONMENT>>;

export function accountLimitsFrom(config: MetadataEnvironment): AccountLimits {
  const limit = (value: number) => (value === 0 ? -1 : value);
  return { repositories: limit(config.SWR_QUOTA_REPOSITORIES), bytes: limit(config.SWR_QUOTA_STORAGE_BYTES) };
}

export function garbageSettingsFrom(config: MetadataEnvironment): GarbageSettings {
  return {
    ...DEFAULT_GARBAGE_SETTINGS,
    graceMs: config.SWR_GC_GRACE_SECONDS * 1000,
    uploadTtlMs: config.SWR_GC_UPLOAD_TTL_SECONDS * 1000,
    collectUntagged: config.SWR_GC_UNTAGGED === 'collect',
  };
}
