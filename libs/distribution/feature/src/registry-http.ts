import type { AccessPolicy, BlobReads, BlobUploads, DownloadCounter, Listings, Manifests, RegistryRoute } from '@swr/distribution-core';
import { ChallengeError, parseRegistryPath } from '@swr/distribution-core';
import { OciError, ociErrorBody } from '@swr/oci';
import type { IncomingHttpHeaders } from 'node:http';
import { TOKEN_PATH } from './token-routes';

/** What the registry's endpoints under `/v2/` work with, reads and writes alike. */
export interface RegistryServices {
  readonly uploads: BlobUploads;
  readonly reads: BlobReads;
  readonly manifests: Manifests;
  readonly listings: Listings;
  readonly access: AccessPolicy;
  readonly downloads: DownloadCounter;
  /** Where clients reach us, when a proxy in front makes the request's own Host unreliable. */
  readonly publicUrl?: string;
  readonly log: (error: unknown) => void;
}

export const API_VERSION = 'registry/2.0';

/** The endpoints under `/v2/` by template: what metrics may name (never a repository or a digest). */
export const ENDPOINTS: Readonly<Record<RegistryRoute['kind'], string>> = {
  base: '/v2/',
  catalog: '/v2/_catalog',
  tags: '/v2/{name}/tags/list',
  manifest: '/v2/{name}/manifests/{reference}',
  uploads: '/v2/{name}/blobs/uploads/',
  upload: '/v2/{name}/blobs/uploads/{id}',
  blob: '/v2/{name}/blobs/{digest}',
  referrers: '/v2/{name}/referrers/{digest}',
};

/** What a registry request asks for: its endpoint, from the raw path (an encoded `..` is never a name), and its query. */
export function registryTarget(url: string): { route: RegistryRoute; query: URLSearchParams } {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(/^\/v2\/?/, '');
  const route = parseRegistryPath(path);
  if (!route) throw new OciError('NAME_UNKNOWN', 'no such endpoint', { path: path.slice(0, 300) });
  return { route, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
}

/** Where a client that must authenticate is sent for a token. */
export function tokenRealm(services: RegistryServices, headers: IncomingHttpHeaders): string {
  return `${services.publicUrl ?? origin(headers)}${TOKEN_PATH}`;
}

/** The origin a client used to reach us: proxies tell it in X-Forwarded-Proto. */
function origin(headers: IncomingHttpHeaders): string {
  const proto = String(headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim();
  return `${proto === 'https' ? 'https' : 'http'}://${headers.host ?? 'localhost'}`;
}

export function unsupported(method: string): OciError {
  return new OciError('UNSUPPORTED', `${method} is not supported here`);
}

/** A failure as the distribution spec answers it: the OCI error body (none for HEAD), and the challenge when a token is missing. */
export function errorAnswer(error: unknown, method: string): { status: number; headers: Record<string, string>; body?: string } {
  const oci = error instanceof OciError ? error : new OciError('UNKNOWN', 'internal error');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (error instanceof ChallengeError) headers['www-authenticate'] = error.challenge;
  return { status: oci.status, headers, body: method === 'HEAD' ? undefined : JSON.stringify(ociErrorBody([oci])) };
}

/** Where an upload stands: its URL and the bytes it holds so far. */
export function uploadHeaders(name: string, id: string, offset: number): Record<string, string | number> {
  return {
    location: `/v2/${name}/blobs/uploads/${id}`,
    range: `0-${Math.max(offset - 1, 0)}`,
    'docker-upload-uuid': id,
    'content-length': 0,
  };
}
