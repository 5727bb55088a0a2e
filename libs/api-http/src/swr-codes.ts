import { RemoteError } from '@swr/contracts';
import { ApiError, statusOf } from './api-error';

/**
 * Runs a service call, naming its failures with the SWR error ids the spec gives for this
 * operation: `{ IAM_CONFLICT: '0060' }` turns IAM's conflict into `SVCSTG.SWR.4090060`.
 */
export async function withSwrCodes<T>(work: Promise<T>, ids: Readonly<Record<string, string>>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof RemoteError && ids[error.code]) throw new ApiError(statusOf(error), error.message, undefined, ids[error.code]);
    throw error;
  }
}

/** `{repository}` path segments write `/` as `$` (SWR's rule), so `a$b` in organization `o` is repository `o/a/b`. */
export function repositoryName(namespace: string, repository: string): string {
  return `${namespace}/${repository.replace(/\$/g, '/')}`;
}

/** Projects are per account and region; with one region an account's project id is its id in Huawei's 32-hex form. */
export const projectIdOf = (accountId: string) => accountId.replace(/-/g, '');
