import type { OperatorAccount } from '@swr/iam-core';

export interface IamSettings {
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** 32 bytes that seal secret access keys and signing keys at rest. */
  readonly encryptionKey: Buffer;
  /** `SWR_REGION`: the prefix of long-term and temporary docker login names. */
  readonly region: string;
  /** The registry's name in tokens (`aud`) and challenges. */
  readonly service: string;
  readonly issuer: string;
  readonly registryTokenLifetimeSeconds: number;
  readonly operator: OperatorAccount;
  /** How many organizations one account may hold. */
  readonly organizationQuota: number;
  /** SWR_SYNC_PEER_KEY: other regions' sync workers sign in with proofs made with it. */
  readonly syncPeerKey?: Buffer;
}

export const IAM_SETTINGS = Symbol('IamSettings');
