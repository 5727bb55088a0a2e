import { MessagingErrorCode, RemoteError } from '@swr/contracts';

/** A failure of a management-style API, before it is put in the envelope of the API that was called. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATUS_OF_REMOTE: Record<string, number> = {
  IAM_INVALID_CREDENTIALS: 401,
  IAM_TOKEN_INVALID: 401,
  IAM_LOGIN_LOCKED: 429,
  IAM_FORBIDDEN: 403,
  IAM_NOT_FOUND: 404,
  IAM_CONFLICT: 409,
  IAM_INVALID_REQUEST: 400,
  [MessagingErrorCode.BadRequest]: 400,
};

/** The HTTP status an error answers with: a service's coded error maps by its code; anything else is ours (500) or an outage (503). */
export function statusOf(error: unknown): number {
  if (error instanceof ApiError) return error.status;
  if (error instanceof RemoteError) {
    if (error.code in STATUS_OF_REMOTE) return STATUS_OF_REMOTE[error.code];
    if (error.code === MessagingErrorCode.NoHandler || error.code === MessagingErrorCode.Timeout || error.code === MessagingErrorCode.Unavailable) return 503;
  }
  return 500;
}

/** The message a client may see: what a service said, never the text of an unexpected failure. */
export function messageOf(error: unknown, status: number): string {
  if (status >= 500) return status === 503 ? 'service temporarily unavailable, try again' : 'internal error';
  return error instanceof Error ? error.message : 'request failed';
}
