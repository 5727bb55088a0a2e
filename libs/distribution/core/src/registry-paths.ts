import { OciError, parseRepositoryName } from '@swr/oci';

export type RegistryRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'referrers'; name: string; digest: string };

/** Every alternative is anchored at the end, so names may contain `blobs`, `manifests` or `tags` components. */
const ROUTE = /^(.+?)\/(?:tags\/list|manifests\/([^/]+)|blobs\/uploads\/?([^/]*)|blobs\/([^/]+)|referrers\/([^/]+))$/;

/**
 * Maps the path after `/v2/` (raw, never percent-decoded: `%2e%2e` is not a name) to a route.
 * Undefined when no route matches; NAME_INVALID when a route matches with a bad name.
 */
export function parseRegistryPath(path: string): RegistryRoute | undefined {
  if (path === '' || path === '/') return { kind: 'base' };
  if (path === '_catalog') return { kind: 'catalog' };
  const match = ROUTE.exec(path);
  if (!match) return undefined;
  const [, rawName, reference, uploadId, digest, subject] = match;
  const name = parseRepositoryName(rawName).name;
  if (reference !== undefined) return { kind: 'manifest', name, reference };
  if (uploadId !== undefined) return uploadId === '' ? { kind: 'uploads', name } : { kind: 'upload', name, id: validUploadId(uploadId) };
  if (digest !== undefined) return { kind: 'blob', name, digest };
  if (subject !== undefined) return { kind: 'referrers', name, digest: subject };
  return { kind: 'tags', name };
}

function validUploadId(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) {
    throw new OciError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id: id.slice(0, 100) });
  }
  return id;
}
