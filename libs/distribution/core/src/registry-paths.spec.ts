import { parseRegistryPath } from './registry-paths';

const digest = `sha256:${'a'.repeat(64)}`;
const uuid = '0b8c5a7e-1f2d-4c3b-9a8e-7d6c5b4a3f21';

describe('parseRegistryPath', () => {
  it.each([
    ['', { kind: 'base' }],
    ['_catalog', { kind: 'catalog' }],
    ['acme/app/tags/list', { kind: 'tags', name: 'acme/app' }],
    ['acme/app/manifests/latest', { kind: 'manifest', name: 'acme/app', reference: 'latest' }],
    [`acme/app/manifests/${digest}`, { kind: 'manifest', name: 'acme/app', reference: digest }],
    ['acme/app/blobs/uploads/', { kind: 'uploads', name: 'acme/app' }],
    ['acme/app/blobs/uploads', { kind: 'uploads', name: 'acme/app' }],
    [`acme/app/blobs/uploads/${uuid}`, { kind: 'upload', name: 'acme/app', id: uuid }],
    [`acme/app/blobs/${digest}`, { kind: 'blob', name: 'acme/app', digest }],
    [`acme/app/referrers/${digest}`, { kind: 'referrers', name: 'acme/app', digest }],
  ])('routes %j', (path, route) => {
    expect(parseRegistryPath(path)).toEqual(route);
  });

  it('lets names contain the words the routes use', () => {
    expect(parseRegistryPath('acme/blobs/blobs/uploads/')).toEqual({ kind: 'uploads', name: 'acme/blobs' });
    expect(parseRegistryPath('acme/manifests/tags/manifests/v1')).toEqual({ kind: 'manifest', name: 'acme/manifests/tags', reference: 'v1' });
    expect(parseRegistryPath('acme/tags/list/tags/list')).toEqual({ kind: 'tags', name: 'acme/tags/list' });
  });

  it('matches nothing for unknown endpoints', () => {
    expect(parseRegistryPath('acme/app')).toBeUndefined();
    expect(parseRegistryPath('acme/app/manifests/a/b')).toBeUndefined();
  });

  it('refuses names outside the grammar and upload ids that are not UUIDs', () => {
    expect(() => parseRegistryPath('acme/../etc/tags/list')).toThrow(expect.objectContaining({ code: 'NAME_INVALID' }));
    expect(() => parseRegistryPath('acme/%2e%2e/tags/list')).toThrow(expect.objectContaining({ code: 'NAME_INVALID' }));
    expect(() => parseRegistryPath('acme/app/blobs/uploads/..%2f..%2fetc')).toThrow(expect.objectContaining({ code: 'BLOB_UPLOAD_UNKNOWN' }));
  });
});
