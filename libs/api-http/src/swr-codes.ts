import { RemoteError } from '@swr/contracts';
import { parseRepositoryName } from '@swr/oci';
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

/**
 * `{repository}` path segments write `/` as `$` (SWR's rule), so `a$b` in organization `o` is
 * repository `o/a/b`. A name that cannot be a repository's is refused here, before any lookup.
 */
export function repositoryName(namespace: string, repository: string): string {
  const name = `${namespace}/${repository.replace(/\$/g, '/')}`;
  try {
    return parseRepositoryName(name).name;
  } catch {
    throw new ApiError(400, `invalid repository name ${JSON.stringify(name.slice(0, 300))}`, undefined, '1029');
  }
}

/** An organization named in a path: one that could exist, else a 400 before any lookup. */
export function organizationName(namespace: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(namespace)) throw new ApiError(400, `invalid organization name ${JSON.stringify(namespace.slice(0, 100))}`, undefined, '1028');
  return namespace;
}

/** An account named in a path (a share's `access_domain`). */
export function accountName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new ApiError(400, `invalid account name ${JSON.stringify(name.slice(0, 100))}`, undefined, '1067');
  return name;
}

/** Projects are per account and region; with one region an account's project id is its id in Huawei's 32-hex form. */
export const projectIdOf = (accountId: string) => accountId.replace(/-/g, '');
