import {
  IAM_ERROR_STATUS,
  isIamErrorCode,
  isMetadataErrorCode,
  isRetentionErrorCode,
  isSyncErrorCode,
  isTriggerErrorCode,
  MessagingErrorCode,
  METADATA_ERROR_STATUS,
  RemoteError,
  RETENTION_ERROR_STATUS,
  SYNC_ERROR_STATUS,
  TRIGGER_ERROR_STATUS,
} from '@swr/contracts';

/** A failure of a management-style API, before it is put in the envelope of the API that was called. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: unknown,
    /** The 4-digit id of an SWR error code, where the spec names one (`SVCSTG.SWR.<status><id>`). */
    readonly codeId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The HTTP status an error answers with: a service's coded error maps by its code; anything else is ours (500) or an outage (503). */
export function statusOf(error: unknown): number {
  if (error instanceof ApiError) return error.status;
  if (error instanceof RemoteError) {
    if (isIamErrorCode(error.code)) return IAM_ERROR_STATUS[error.code];
    if (isMetadataErrorCode(error.code)) return METADATA_ERROR_STATUS[error.code];
    if (isTriggerErrorCode(error.code)) return TRIGGER_ERROR_STATUS[error.code];
    if (isRetentionErrorCode(error.code)) return RETENTION_ERROR_STATUS[error.code];
    if (isSyncErrorCode(error.code)) return SYNC_ERROR_STATUS[error.code];
    if (error.code === MessagingErrorCode.BadRequest) return 400;
    if (error.code === MessagingErrorCode.NoHandler || error.code === MessagingErrorCode.Timeout || error.code === MessagingErrorCode.Unavailable) return 503;
  }
  return 500;
}

/** The message a client may see: what a service said, never the text of an unexpected failure. */
export function messageOf(error: unknown, status: number): string {
  if (status >= 500) return status === 503 ? 'service temporarily unavailable, try again' : 'internal error';
  return error instanceof Error ? error.message : 'request failed';
}
