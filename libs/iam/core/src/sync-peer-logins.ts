import { isPeerProofValid, PEER_LOGIN_PREFIX } from '@swr/auth';
import type { Authenticator } from './authenticator';
import { IamError } from './iam-error';
import type { Directory } from './ports';
import type { Principal } from './principal';

/** The user a peer's registry token names: the region's sync worker, acting for the account. */
export const SYNC_PEER_USER = 'swr-sync';
/** The nil UUID: user ids are UUIDs, and no user has this one, so no grant of any user applies to the peer. */
const SYNC_PEER_USER_ID = '00000000-0000-0000-0000-000000000000';

/** Whether the caller is another region's sync worker: it copies images in, so it may pull and push, never delete or list. */
export const isSyncPeer = (caller: Pick<Principal, 'userId'>) => caller.userId === SYNC_PEER_USER_ID;

/**
 * Sign-ins at the token endpoint, with one more form beside the users': another region's sync
 * worker, `@sync/<account>` with a proof made with the shared SWR_SYNC_PEER_KEY. It acts as an admin
 * of the account of that name here (an account is the same in every region), so its token grants
 * push only into that account's organizations, or a new one it then creates for the account.
 */
export class SyncPeerLogins {
  constructor(
    private readonly users: Pick<Authenticator, 'dockerLogin'>,
    private readonly directory: Pick<Directory, 'findAccountByName'>,
    /** SWR_SYNC_PEER_KEY; without it, no peer is accepted. */
    private readonly peerKey: Buffer | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async dockerLogin(username: string, password: string): Promise<Principal> {
    if (!username.startsWith(PEER_LOGIN_PREFIX)) return this.users.dockerLogin(username, password);
    if (!this.peerKey) throw new IamError('IAM_INVALID_CREDENTIALS', 'this region accepts no sync peers: SWR_SYNC_PEER_KEY is not set here');
    const accountName = username.slice(PEER_LOGIN_PREFIX.length);
    if (!isPeerProofValid(this.peerKey, accountName, password, this.now())) {
      throw new IamError('IAM_INVALID_CREDENTIALS', 'sync peer proof refused: SWR_SYNC_PEER_KEY differs between the regions, or the clocks are more than 5 minutes apart');
    }
    const account = await this.directory.findAccountByName(accountName);
    if (!account || !account.enabled) throw new IamError('IAM_INVALID_CREDENTIALS', `account ${accountName.slice(0, 64)} does not exist in this region, or is disabled`);
    return { userId: SYNC_PEER_USER_ID, userName: SYNC_PEER_USER, accountId: account.id, accountName: account.name, isAdmin: true };
  }
}
