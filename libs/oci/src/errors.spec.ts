import { OCI_ERROR_STATUS, OciError } from './errors';

/** CNCF Distribution's errcode table (registry/api/errcode and registry/api/v2): code → HTTP status. */
const DISTRIBUTION_STATUS: Record<string, number> = {
  UNKNOWN: 500,
  UNSUPPORTED: 405,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNAVAILABLE: 503,
  TOOMANYREQUESTS: 429,
  DIGEST_INVALID: 400,
  SIZE_INVALID: 400,
  RANGE_INVALID: 416,
  NAME_INVALID: 400,
  TAG_INVALID: 400,
  NAME_UNKNOWN: 404,
  MANIFEST_UNKNOWN: 404,
  MANIFEST_INVALID: 400,
  MANIFEST_UNVERIFIED: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 404,
  PAGINATION_NUMBER_INVALID: 400,
};

describe('OCI error codes', () => {
  it("answer every code Distribution also has with Distribution's status", () => {
    const shared = Object.keys(OCI_ERROR_STATUS).filter((code) => code in DISTRIBUTION_STATUS);
    expect(shared.map((code) => [code, OCI_ERROR_STATUS[code as keyof typeof OCI_ERROR_STATUS]])).toEqual(shared.map((code) => [code, DISTRIBUTION_STATUS[code]]));
  });

  it('has no code of its own but the payload limit', () => {
    expect(Object.keys(OCI_ERROR_STATUS).filter((code) => !(code in DISTRIBUTION_STATUS))).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('a manifest that references unknown content is a 400', () => {
    expect(new OciError('MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry').status).toBe(400);
  });
});
