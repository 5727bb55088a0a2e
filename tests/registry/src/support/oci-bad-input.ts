import { randomBytes } from 'node:crypto';
import { truncatedRequest } from './http';
import { errorCode, OCI_MANIFEST, OciClient, sha256, uniqueName } from './oci-client';

/** Bad input gets the right OCI error and leaves storage as it was: no partial blob, no orphan manifest. */
export function describeOciBadInput(client: () => OciClient): void {
  let oci: OciClient;
  beforeAll(() => {
    oci = client();
  });

  it('refuses a digest mismatch and leaves no blob visible', async () => {
    const name = uniqueName();
    const data = randomBytes(1000);
    const claimed = sha256('something else');
    const res = await oci.request('POST', `/v2/${name}/blobs/uploads/?digest=${claimed}`, { body: data });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('DIGEST_INVALID');
    expect((await oci.request('HEAD', `/v2/${name}/blobs/${claimed}`)).status).toBe(404);
    expect((await oci.request('HEAD', `/v2/${name}/blobs/${sha256(data)}`)).status).toBe(404);
  });

  it('keeps an upload where it was when a chunk is cut off mid-body', async () => {
    const name = uniqueName();
    const data = randomBytes(200_000);
    const location = await oci.startUpload(name);
    await oci.request('PATCH', location, { body: data.subarray(0, 1000) });
    await truncatedRequest(oci.url, 'PATCH', location, 100_000, data.subarray(1000, 51_000), { authorization: await oci.authorization(`repository:${name}:pull,push`) });
    const status = await oci.request('GET', location);
    expect(status.header('range')).toBe('0-999');
    await oci.request('PATCH', location, { body: data.subarray(1000), headers: { 'content-range': `1000-${data.length - 1}` } });
    expect((await oci.request('PUT', `${location}?digest=${sha256(data)}`)).status).toBe(201);
    expect((await oci.request('GET', `/v2/${name}/blobs/${sha256(data)}`)).body.equals(data)).toBe(true);
  });

  it('answers malformed Content-Range with 416', async () => {
    const name = uniqueName();
    const location = await oci.startUpload(name);
    for (const range of ['abc', '10-5', 'bytes=x-y']) {
      const res = await oci.request('PATCH', location, { body: 'hello', headers: { 'content-range': range } });
      expect(res.status).toBe(416);
    }
    expect((await oci.request('GET', location)).header('range')).toBe('0-0');
  });

  it('refuses a chunk whose Content-Length and Content-Range disagree with SIZE_INVALID, and keeps the upload where it was', async () => {
    const name = uniqueName();
    const location = await oci.startUpload(name);
    const res = await oci.request('PATCH', location, { body: 'hello', headers: { 'content-range': '0-9' } });
    expect([res.status, errorCode(res)]).toEqual([400, 'SIZE_INVALID']);
    expect((await oci.request('GET', location)).header('range')).toBe('0-0');
  });

  it.each([
    ['a dot-dot component', '/v2/org/../etc/manifests/latest'],
    ['an encoded dot-dot', '/v2/org/%2e%2e/etc/manifests/latest'],
    ['upper case', '/v2/Org/App/manifests/latest'],
    ['a name over 255 characters', `/v2/org/${'a/'.repeat(127)}a/manifests/latest`],
    ['a single component', '/v2/ubuntu/manifests/latest'],
  ])('refuses %s with NAME_INVALID', async (_why, path) => {
    const res = await oci.request('GET', path);
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('NAME_INVALID');
  });

  it('refuses malformed, unknown-type and oversized manifests and stores nothing', async () => {
    const name = uniqueName();
    await oci.pushImage(name, 'keep');
    const cases: Array<[string | Buffer, string, number, string]> = [
      ['{not json', OCI_MANIFEST, 400, 'MANIFEST_INVALID'],
      [JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.unknown+json' }), 'application/vnd.unknown+json', 400, 'MANIFEST_INVALID'],
      [JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { digest: 'sha256:bad' }, layers: [] }), OCI_MANIFEST, 400, 'MANIFEST_INVALID'],
      [Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), OCI_MANIFEST, 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [body, type, status, code] of cases) {
      const res = await oci.request('PUT', `/v2/${name}/manifests/bad`, { body, headers: { 'content-type': type } });
      expect([res.status, errorCode(res)]).toEqual([status, code]);
    }
    expect((await oci.request('GET', `/v2/${name}/tags/list`)).json().tags).toEqual(['keep']);
  });

  it('refuses a manifest PUT by digest whose content has another digest', async () => {
    const name = uniqueName();
    const image = await oci.pushImage(name, 'v1');
    const res = await oci.request('PUT', `/v2/${name}/manifests/${sha256('other')}`, { body: image.body, headers: { 'content-type': OCI_MANIFEST } });
    expect(errorCode(res)).toBe('DIGEST_INVALID');
    expect((await oci.request('GET', `/v2/${name}/manifests/${sha256('other')}`)).status).toBe(404);
  });

  it('caps huge page sizes and refuses malformed ones', async () => {
    const name = uniqueName();
    await oci.pushImage(name, 'v1');
    const huge = await oci.request('GET', `/v2/${name}/tags/list?n=1000000000`);
    expect(huge.status).toBe(200);
    expect(huge.json().tags).toEqual(['v1']);
    for (const n of ['-1', 'ten', '1e3']) {
      const res = await oci.request('GET', `/v2/${name}/tags/list?n=${n}`);
      expect([res.status, errorCode(res)]).toEqual([400, 'PAGINATION_NUMBER_INVALID']);
    }
    expect((await oci.request('GET', '/v2/_catalog?n=1000000000')).status).toBe(200);
  });

  it('answers unsupported methods and unknown upload ids in the OCI error format', async () => {
    const name = uniqueName();
    const res = await oci.request('POST', `/v2/${name}/manifests/latest`);
    expect([res.status, errorCode(res)]).toEqual([405, 'UNSUPPORTED']);
    expect(errorCode(await oci.request('GET', `/v2/${name}/blobs/uploads/not-a-uuid`))).toBe('BLOB_UPLOAD_UNKNOWN');
    expect(errorCode(await oci.request('GET', `/v2/${name}/blobs/uploads/00000000-0000-4000-8000-000000000000`))).toBe('BLOB_UPLOAD_UNKNOWN');
  });
}
