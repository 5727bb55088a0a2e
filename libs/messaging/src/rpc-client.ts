import { ErrorPayload, MessagingErrorCode, RemoteError } from '@swr/contracts';

export function toRemoteError(error: unknown): RemoteError {
  if (error instanceof RemoteError) return error;
  if (typeof error === 'object' && error !== null && typeof (error as ErrorPayload).code === 'string' && typeof (error as ErrorPayload).message === 'string') {
    return new RemoteError(error as ErrorPayload);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteError({ code: MessagingErrorCode.Unavailable, message: `request failed: ${message}` });
}
