import { METADATA_ERROR_STATUS, MetadataErrorCode } from '@swr/contracts';
import { OciError } from '@swr/oci';

/** A management request the metadata service refuses, with a code from its closed table. */
export class MetadataError extends Error {
  readonly status: number;

  constructor(
    readonly code: MetadataErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'MetadataError';
    this.status = METADATA_ERROR_STATUS[code];
  }
}

/** Runs a registry (push) operation: a quota refusal reaches docker as the OCI `DENIED` error. */
export async function asRegistryOperation<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MetadataError && error.code === 'META_QUOTA_EXCEEDED') throw new OciError('DENIED', error.message);
    throw error;
  }
}

/** An account's limits; a negative limit is no limit. */
export interface AccountLimits {
  readonly repositories: number;
  readonly bytes: number;
}

export const UNLIMITED: AccountLimits = { repositories: -1, bytes: -1 };
