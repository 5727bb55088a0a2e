/** An answer of the management or IAM API that was not a success. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string | undefined,
  ) {
    super(`${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`);
    this.name = 'ApiFailure';
  }
}

/** The code and message of an error body, in whichever envelope it came: SWR's (error_code/error_msg), IAM's (error.message) or none. */
export function failureFrom(status: number, body: unknown): ApiFailure {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record['error_code'] === 'string' || typeof record['error_msg'] === 'string') {
      return new ApiFailure(status, record['error_code'] as string | undefined, record['error_msg'] as string | undefined);
    }
    const error = record['error'];
    if (error && typeof error === 'object') {
      const message = (error as Record<string, unknown>)['message'];
      return new ApiFailure(status, undefined, typeof message === 'string' ? message : undefined);
    }
  }
  return new ApiFailure(status, undefined, undefined);
}

/** Messages for the SWR codes a console user meets, in SWR's wording where it has one. */
const BY_CODE: Readonly<Record<string, string>> = {
  'SVCSTG.SWR.4001028': 'Invalid organization name.',
  'SVCSTG.SWR.4001029': 'Invalid image name.',
  'SVCSTG.SWR.4090060': 'The organization already exists.',
  'SVCSTG.SWR.4000097': 'The organization quota has been used up.',
  'SVCSTG.SWR.4060074': 'The organization still contains repositories. Delete them first.',
  'SVCSTG.SWR.4040058': 'The organization does not exist.',
  'SVCSTG.SWR.4030170': 'Insufficient permissions.',
  'SVCSTG.SWR.4000069': 'Not an image archive: upload docker save output or an OCI image layout archive.',
  'SVCSTG.SWR.4000098': 'The storage quota would be exceeded.',
  'SVCSTG.SWR.4130025': 'The file is larger than the upload limit.',
};

/** What the user reads when a call fails: one sentence, never HTML. */
export function failureMessage(error: unknown): string {
  if (!(error instanceof ApiFailure)) return 'The registry could not be reached. Check your connection and try again.';
  if (error.code && BY_CODE[error.code]) return BY_CODE[error.code];
  switch (error.status) {
    case 401:
      return 'Your session has ended. Sign in again.';
    case 403:
      return 'Insufficient permissions: you are not allowed to do this.';
    case 404:
      return 'Not found: it may have been deleted.';
    case 409:
      return 'It already exists.';
    case 413:
      return 'Too large.';
    case 429:
      return 'Too many requests. Wait a moment and try again.';
  }
  if (error.status >= 500) return 'The registry failed to answer. Try again later.';
  return error.detail ? `The request was refused: ${error.detail}` : `The request was refused (HTTP ${error.status}).`;
}

/** The sign-in form's message: the IAM API answers a wrong account, user or password with 401 alike (and a locked user too). */
export function signInMessage(error: unknown): string {
  if (error instanceof ApiFailure && (error.status === 401 || error.status === 400)) {
    return 'Incorrect account name, user name or password, or the user is locked.';
  }
  return failureMessage(error);
}

/** A refused token: the session is over and the console returns to sign-in. */
export const endsSession = (error: unknown): boolean => error instanceof ApiFailure && error.status === 401;
