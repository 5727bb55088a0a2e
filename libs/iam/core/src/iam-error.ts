/** IAM's closed table of failures; the gateway renders each in the envelope of the API that was called. */
export const IAM_ERROR_STATUS = {
  IAM_INVALID_CREDENTIALS: 401,
  IAM_TOKEN_INVALID: 401,
  IAM_LOGIN_LOCKED: 429,
  IAM_FORBIDDEN: 403,
  IAM_NOT_FOUND: 404,
  IAM_CONFLICT: 409,
  IAM_INVALID_REQUEST: 400,
} as const;

export type IamErrorCode = keyof typeof IAM_ERROR_STATUS;

export class IamError extends Error {
  readonly status: number;

  constructor(
    readonly code: IamErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'IamError';
    this.status = IAM_ERROR_STATUS[code];
  }
}
