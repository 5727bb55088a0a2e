import { ApiError, existingRepository, withSwrCodes } from '@swr/api-http';
import { CallerPayload, IamRpc, RepositoryView, RpcClient } from '@swr/contracts';

/** A repository as the management API shows it: metadata's view, and its organization's id from IAM (the one organization lists show). */
export type ManagedRepository = RepositoryView & { readonly organizationId: number };

export const READ = 1;
export const WRITE = 3;
export const MANAGE = 7;

/** What a management handler checks before it acts: the caller's level, from IAM; the repository, from metadata. */
export class ManageAccess {
  constructor(private readonly rpc: RpcClient) {}

  /** The caller's level on an organization; another account's (or an unknown) one is "not found". */
  async organization(caller: CallerPayload, name: string, needed: number): Promise<number> {
    const { level } = await withSwrCodes(this.rpc.call(IamRpc.accessLevel, { caller, scope: { kind: 'organization', name } }), { IAM_NOT_FOUND: '0058' });
    if (level < needed) throw forbidden(name, needed);
    return level;
  }

  /** The caller's level on a repository, and the repository itself with its organization's id. */
  async repository(caller: CallerPayload, name: string, needed: number): Promise<ManagedRepository> {
    const { level, organizationId } = await withSwrCodes(this.rpc.call(IamRpc.accessLevel, { caller, scope: { kind: 'repository', name } }), { IAM_NOT_FOUND: '0010' });
    if (level < needed) throw forbidden(name, needed);
    return { ...(await existingRepository(this.rpc, name)), organizationId };
  }

  /**
   * Push rights on a repository that may not exist yet (a push creates it): the caller's level
   * there, as IAM grants it for a registry token's push, must be write or more.
   */
  async push(caller: CallerPayload, name: string): Promise<void> {
    const { level } = await withSwrCodes(this.rpc.call(IamRpc.accessLevel, { caller, scope: { kind: 'repository', name } }), { IAM_NOT_FOUND: '0058' });
    if (level < WRITE) throw forbidden(name, WRITE);
  }
}

function forbidden(name: string, needed: number): ApiError {
  const what = needed === MANAGE ? 'manage' : needed === WRITE ? 'write' : 'read';
  return new ApiError(403, `insufficient permissions: this needs the ${what} permission on ${name.slice(0, 300)}`, undefined, '0170');
}
