/** The metadata service's failure codes for management requests, and the HTTP status each means. Registry requests fail with OCI codes instead. */
export const METADATA_ERROR_STATUS = {
  META_INVALID_REQUEST: 400,
  META_REPOSITORY_NOT_FOUND: 404,
  META_TAG_NOT_FOUND: 404,
  META_REPOSITORY_EXISTS: 409,
  META_TAG_EXISTS: 409,
  META_ORGANIZATION_NOT_EMPTY: 406,
  META_QUOTA_EXCEEDED: 400,
} as const;

export type MetadataErrorCode = keyof typeof METADATA_ERROR_STATUS;

export function isMetadataErrorCode(code: string): code is MetadataErrorCode {
  return Object.prototype.hasOwnProperty.call(METADATA_ERROR_STATUS, code);
}
