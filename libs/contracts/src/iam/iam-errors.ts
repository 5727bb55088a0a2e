/** IAM's closed table of failure codes and the HTTP status each means, shared by IAM and whoever renders its errors. */
export const IAM_ERROR_STATUS = {
  IAM_INVALID_CREDENTIALS: 401,
  IAM_TOKEN_INVALID: 401,
  IAM_LOGIN_LOCKED: 429,
  IAM_FORBIDDEN: 403,
  IAM_NOT_FOUND: 404,
  IAM_CONFLICT: 409,
  IAM_INVALID_REQUEST: 400,
  IAM_QUOTA_EXCEEDED: 400,
} as const;

export type IamErrorCode = keyof typeof IAM_ERROR_STATUS;

export function isIamErrorCode(code: string): code is IamErrorCode {
  return Object.prototype.hasOwnProperty.call(IAM_ERROR_STATUS, code);
}
