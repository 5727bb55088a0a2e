import { encryptionKey, env } from '@swr/config';
import { z } from 'zod';
import { REGISTRY_TOKEN_ISSUER } from '@swr/contracts';
import type { IamSettings } from './iam-settings';

/** The IAM variables every process that runs the IAM module reads. */
export const IAM_ENVIRONMENT = {
  SWR_REGION: env.string('local-1'),
  SWR_REGISTRY_SERVICE: env.string('swr-registry'),
  SWR_ADMIN_ACCOUNT: env.string('swr'),
  SWR_ADMIN_USER: env.string('admin'),
  SWR_ADMIN_PASSWORD: z.string().min(8).optional(),
  SWR_TOKEN_LIFETIME: env.int(300, 30),
  SWR_QUOTA_ORGANIZATIONS: env.int(5, 1),
  /** Shared by the deployments (regions) of one installation: other regions' sync workers prove themselves with it. */
  SWR_SYNC_PEER_KEY: encryptionKey.optional(),
};

type IamEnvironment = z.infer<z.ZodObject<typeof IAM_ENVIRONMENT>>;

export function iamSettingsFrom(config: IamEnvironment, databaseUrl: string, key: Buffer, poolSize?: number): IamSettings {
  return {
    databaseUrl,
    poolSize,
    encryptionKey: key,
    region: config.SWR_REGION,
    service: config.SWR_REGISTRY_SERVICE,
    issuer: REGISTRY_TOKEN_ISSUER,
    registryTokenLifetimeSeconds: config.SWR_TOKEN_LIFETIME,
    operator: { account: config.SWR_ADMIN_ACCOUNT, user: config.SWR_ADMIN_USER, password: config.SWR_ADMIN_PASSWORD },
    organizationQuota: config.SWR_QUOTA_ORGANIZATIONS,
    syncPeerKey: config.SWR_SYNC_PEER_KEY,
  };
}
