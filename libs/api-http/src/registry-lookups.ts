import { RepositoryRpc, RepositoryView, RpcClient } from '@swr/contracts';
import { withSwrCodes } from './swr-codes';

/** The registry host a client pulls from: the public URL's, else the one the request came to. */
export function registryHost(publicUrl: string | undefined, requestHost: string | undefined): string {
  return publicUrl ? new URL(publicUrl).host : (requestHost ?? 'localhost');
}

/** A repository the management API acts on: 404 `SVCSTG.SWR.4040010` when it does not exist. */
export function existingRepository(rpc: RpcClient, name: string): Promise<RepositoryView> {
  return withSwrCodes(rpc.call(RepositoryRpc.get, { repository: name }), { META_REPOSITORY_NOT_FOUND: '0010', META_INVALID_REQUEST: '1029', RPC_BAD_REQUEST: '1029' });
}
