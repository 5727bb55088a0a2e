/**
 * The closed table of OCI Distribution error codes and the HTTP status each answers with: the
 * statuses of CNCF Distribution's errcode table (clients branch on them), plus PAYLOAD_TOO_LARGE,
 * ours, for what the OCI spec answers with 413 but names no code for.
 */
export const OCI_ERROR_STATUS = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 404,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  /** Distribution's code for a page size that is not a non-negative integer. */
  PAGINATION_NUMBER_INVALID: 400,
  /** An unexpected failure inside the registry. */
  UNKNOWN: 500,
} as const;

export type OciErrorCode = keyof typeof OCI_ERROR_STATUS;

export function isOciErrorCode(code: string): code is OciErrorCode {
  return Object.prototype.hasOwnProperty.call(OCI_ERROR_STATUS, code);
}

/** A failure the registry reports to clients in the OCI error envelope. */
export class OciError extends Error {
  readonly status: number;

  constructor(
    readonly code: OciErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'OciError';
    this.status = OCI_ERROR_STATUS[code];
  }
}

export interface OciErrorBody {
  errors: Array<{ code: string; message: string; detail?: unknown }>;
}

export function ociErrorBody(errors: readonly OciError[]): OciErrorBody {
  return {
    errors: errors.map((e) => (e.detail === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, detail: e.detail })),
  };
}
