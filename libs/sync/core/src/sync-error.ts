import { SYNC_ERROR_STATUS, SyncErrorCode } from '@swr/contracts';

/** A refusal of the sync service's API, with the code callers map and the HTTP status it means. */
export class SyncError extends Error {
  readonly status: number;

  constructor(
    readonly code: SyncErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SyncError';
    this.status = SYNC_ERROR_STATUS[code];
  }
}

/** A copy that trying again cannot fix: the remote refused the peer, the push, or the image itself. */
export class SyncRefused extends Error {
  override readonly name = 'SyncRefused';
}
