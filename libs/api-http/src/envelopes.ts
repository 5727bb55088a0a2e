import { ApiError, messageOf, statusOf } from './api-error';

export interface ErrorReply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * SWR's error body (`SVCSTG.SWR.<status><id>`): the combined object the current documentation
 * shows, with the legacy `errors` array and top-level `errorCode` that some clients read.
 */
export function swrError(error: unknown, id = '0000'): ErrorReply {
  const status = statusOf(error);
  const code = `SVCSTG.SWR.${status}${error instanceof ApiError && error.codeId ? error.codeId : id}`;
  const message = messageOf(error, status);
  return {
    status,
    body: {
      error_code: code,
      error_msg: message,
      errorCode: code,
      errorMessage: message,
      errors: [{ errorCode: code, errorMessage: message, detail: '' }],
      details: [{ error_code: code, error_msg: message }],
    },
  };
}

/** Huawei IAM's error body: `error_code` / `error_msg`, and Keystone's `error` object. */
export function iamError(error: unknown): ErrorReply {
  const status = statusOf(error);
  const message = messageOf(error, status);
  const code = `IAM.${String(status).padStart(4, '0')}`;
  return { status, body: { error_code: code, error_msg: message, error: { code: status, message, title: titleOf(status) } } };
}

function titleOf(status: number): string {
  return (
    { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 429: 'Too Many Requests', 503: 'Service Unavailable' }[status] ??
    'Internal Server Error'
  );
}
