import type { AccessGrant, AccessPolicy, BlobReads, BlobUploads, ChunkRange, DownloadCounter, Listing, Listings, Manifests, RegistryAction, RegistryRoute } from '@swr/distribution-core';
import { ChallengeError, parsePage, parseRangeHeader, parseRegistryPath } from '@swr/distribution-core';
import { isDigestAlgorithm, MAX_MANIFEST_BYTES, MediaType, OciError, ociErrorBody, parseRepositoryName } from '@swr/oci';
import type { OpenBlob } from '@swr/blob-store';
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currentCall, identifyCaller, runInCall } from '@swr/messaging';
import { TOKEN_PATH } from './token-routes';

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

/** Clients are told to send chunks of at least this size (S3 needs 5 MiB parts to compose server-side). */
const CHUNK_MIN_LENGTH = 5 * 1024 * 1024;
const API_VERSION = 'registry/2.0';

/** The endpoints under `/v2/` by template: what metrics may name (never a repository or a digest). */
const ENDPOINTS: Readonly<Record<RegistryRoute['kind'], string>> = {
  base: '/v2/',
  catalog: '/v2/_catalog',
  tags: '/v2/{name}/tags/list',
  manifest: '/v2/{name}/manifests/{reference}',
  uploads: '/v2/{name}/blobs/uploads/',
  upload: '/v2/{name}/blobs/uploads/{id}',
  blob: '/v2/{name}/blobs/{digest}',
  referrers: '/v2/{name}/referrers/{digest}',
};
const ENDPOINT = Symbol('swr.registryEndpoint');

/** The template of the OCI endpoint a registry request reached, once it was routed (a path that is none has none). */
export function registryEndpointOf(request: FastifyRequest): string | undefined {
  return (request as unknown as Record<symbol, string | undefined>)[ENDPOINT];
}

interface Exchange {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly method: string;
  readonly query: URLSearchParams;
}

/**
 * The OCI Distribution v1.1 endpoint under `/v2/`. Routing is ours rather than the router's:
 * repository names contain slashes, and paths are matched raw so that an encoded `..` is never a
 * name. Bodies are not parsed: blob bytes stream from the socket to the blob store.
 */
export async function registryRoutes(app: FastifyInstance, services: RegistryServices): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const handler = (request: FastifyRequest, reply: FastifyReply) => handle(services, request, reply);
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
  app.route({ method: methods, url: '/v2/*', handler, exposeHeadRoute: false });
}

async function handle(services: RegistryServices, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  reply.header('Docker-Distribution-API-Version', API_VERSION);
  try {
    const url = request.raw.url ?? '/v2/';
    const q = url.indexOf('?');
    const path = (q < 0 ? url : url.slice(0, q)).replace(/^\/v2\/?/, '');
    const route = parseRegistryPath(path);
    if (!route) throw new OciError('NAME_UNKNOWN', 'no such endpoint', { path: path.slice(0, 300) });
    (request as unknown as Record<symbol, string>)[ENDPOINT] = ENDPOINTS[route.kind];
    const exchange: Exchange = { request, reply, method: request.method, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
    const grant = await services.access.authorize({
      action: actionOf(route, exchange.method),
      repository: 'name' in route ? route.name : undefined,
      catalog: route.kind === 'catalog',
      mountFrom: route.kind === 'uploads' && exchange.method === 'POST' ? mountSource(exchange.query) : undefined,
      authorization: request.headers.authorization,
      realm: `${services.publicUrl ?? origin(request)}${TOKEN_PATH}`,
    });
    identify(grant);
    return await dispatch(services, route, exchange, grant);
  } catch (error) {
    if (error instanceof ChallengeError && error.refused) identify(error.refused);
    return sendError(services, reply, request.method, error);
  }
}

/** Names the caller in the call context, so that what the request records says who it was. */
function identify(grant: AccessGrant): void {
  identifyCaller({ accountId: grant.account, accountName: grant.accountName, userId: grant.subject, userName: grant.userName });
}

/** The origin a client used to reach us: proxies tell it in X-Forwarded-Proto. */
function origin(request: FastifyRequest): string {
  const proto = String(request.headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim();
  return `${proto === 'https' ? 'https' : 'http'}://${request.headers.host ?? 'localhost'}`;
}

/** The source of a mount request (`?mount=…&from=…`), when it names a repository at all. */
function mountSource(query: URLSearchParams): string | undefined {
  const from = query.get('from');
  if (!query.has('mount') || !from) return undefined;
  try {
    return parseRepositoryName(from).name;
  } catch {
    return undefined;
  }
}

function actionOf(route: RegistryRoute, method: string): RegistryAction {
  if (method === 'DELETE' && (route.kind === 'manifest' || route.kind === 'blob')) return 'delete';
  return method === 'GET' || method === 'HEAD' ? 'pull' : 'push';
}

function unsupported(method: string): OciError {
  return new OciError('UNSUPPORTED', `${method} is not supported here`);
}

async function dispatch(s: RegistryServices, route: RegistryRoute, x: Exchange, grant: AccessGrant): Promise<FastifyReply> {
  const { method, reply } = x;
  switch (route.kind) {
    case 'base':
      if (method !== 'GET' && method !== 'HEAD') throw unsupported(method);
      return reply.code(200).header('content-type', 'application/json').send(method === 'HEAD' ? undefined : '{}');
    case 'catalog':
      if (method !== 'GET') throw unsupported(method);
      return sendListing(x, '/v2/_catalog', await s.listings.repositories(parsePage(param(x, 'n'), param(x, 'last')), grant.subject), (items) => ({ repositories: items }));
    case 'tags':
      if (method !== 'GET') throw unsupported(method);
      return sendListing(x, `/v2/${route.name}/tags/list`, await s.listings.tags(route.name, parsePage(param(x, 'n'), param(x, 'last'))), (items) => ({
        name: route.name,
        tags: items,
      }));
    case 'manifest':
      return manifestRoute(s, route.name, route.reference, x, grant);
    case 'uploads':
      if (method !== 'POST') throw unsupported(method);
      return startUpload(s, route.name, x, grant);
    case 'upload':
      return uploadRoute(s, route.name, route.id, x);
    case 'blob':
      return blobRoute(s, route.name, route.digest, x);
    case 'referrers':
      if (method !== 'GET') throw unsupported(method);
      return referrers(s, route.name, route.digest, x);
  }
}

async function manifestRoute(s: RegistryServices, name: string, reference: string, x: Exchange, grant: AccessGrant): Promise<FastifyReply> {
  const { method, reply } = x;
  if (method === 'GET' || method === 'HEAD') {
    const manifest = await s.manifests.get(name, reference, method === 'GET');
    if (method === 'GET') s.downloads.count(name, manifest.size);
    reply
      .code(200)
      .header('content-type', manifest.mediaType)
      .header('docker-content-digest', manifest.digest)
      .header('etag', `"${manifest.digest}"`)
      .header('content-length', manifest.size);
    return reply.send(manifest.content);
  }
  if (method === 'PUT') {
    const body = await readBody(x.request, MAX_MANIFEST_BYTES);
    const pushed = await s.manifests.put(name, reference, x.request.headers['content-type'], body, x.query.getAll('tag'), grant.account);
    reply.code(201).header('location', `/v2/${name}/manifests/${pushed.digest}`).header('docker-content-digest', pushed.digest).header('content-length', 0);
    if (pushed.subject) reply.header('oci-subject', pushed.subject);
    if (x.query.has('tag')) reply.header('oci-tag', pushed.tags);
    return reply.send();
  }
  if (method === 'DELETE') {
    await s.manifests.delete(name, reference);
    return reply.code(202).header('content-length', 0).send();
  }
  throw unsupported(method);
}

async function startUpload(s: RegistryServices, name: string, x: Exchange, grant: AccessGrant): Promise<FastifyReply> {
  const { reply, query } = x;
  const digest = query.get('digest');
  const mount = query.get('mount');
  const from = query.get('from');
  if (mount && from) {
    const source = parseRepositoryName(from).name;
    // Pulling from the source is part of the bargain: without it the client simply uploads.
    const allowed = await s.access.authorize({ action: 'pull', repository: source, authorization: x.request.headers.authorization, realm: '' }).then(
      () => true,
      () => false,
    );
    const size = allowed ? await s.uploads.mount(name, source, mount, grant.account) : undefined;
    if (size !== undefined) return blobCreated(reply, name, mount);
  }
  if (digest) {
    const blob = await s.uploads.monolithic(name, digest, x.request.raw, grant.account);
    return blobCreated(reply, name, blob.digest);
  }
  const algorithm = query.get('digest-algorithm') ?? 'sha256';
  if (!isDigestAlgorithm(algorithm)) throw new OciError('UNSUPPORTED', `digest algorithm ${algorithm.slice(0, 50)} is not supported`);
  const session = await s.uploads.start(name, algorithm, grant.account);
  return uploadAccepted(reply, name, session.id, session.offset).header('oci-chunk-min-length', CHUNK_MIN_LENGTH).code(202).send();
}

async function uploadRoute(s: RegistryServices, name: string, id: string, x: Exchange): Promise<FastifyReply> {
  const { method, reply, request } = x;
  switch (method) {
    case 'GET': {
      const session = await s.uploads.status(name, id);
      return uploadAccepted(reply, name, id, session.offset).code(204).send();
    }
    case 'PATCH': {
      const session = await s.uploads.append(name, id, request.raw, parseContentRange(request.headers['content-range']));
      return uploadAccepted(reply, name, id, session.offset).code(202).send();
    }
    case 'PUT': {
      const digest = x.query.get('digest');
      if (!digest) throw new OciError('DIGEST_INVALID', 'digest query parameter is required');
      const blob = await s.uploads.finish(name, id, digest, hasBody(request) ? request.raw : undefined);
      return blobCreated(reply, name, blob.digest);
    }
    case 'DELETE':
      await s.uploads.cancel(name, id);
      return reply.code(204).send();
    default:
      throw unsupported(method);
  }
}

async function blobRoute(s: RegistryServices, name: string, digest: string, x: Exchange): Promise<FastifyReply> {
  const { method, reply } = x;
  if (method === 'DELETE') {
    await s.reads.unlink(name, digest);
    return reply.code(202).header('content-length', 0).send();
  }
  if (method !== 'GET' && method !== 'HEAD') throw unsupported(method);
  const size = await s.reads.stat(name, digest);
  reply.header('docker-content-digest', digest).header('accept-ranges', 'bytes').header('etag', `"${digest}"`).header('content-type', 'application/octet-stream');
  if (method === 'HEAD') return reply.code(200).header('content-length', size).send();
  const wanted = parseRangeHeader(x.request.headers.range, size);
  const redirect = wanted.kind === 'unsatisfiable' ? undefined : await s.reads.redirectUrl(digest);
  if (redirect) {
    // The store serves the bytes (and the Range, which the client sends again); they count as served all the same.
    s.downloads.served(name, wanted.kind === 'range' ? wanted.range.end - wanted.range.start + 1 : size);
    return reply.code(307).header('location', redirect).header('content-length', 0).send();
  }
  if (wanted.kind === 'unsatisfiable') {
    return reply.code(416).header('content-range', `bytes */${size}`).header('content-type', 'application/json').send(
      ociErrorBody([new OciError('RANGE_INVALID', 'requested range not satisfiable', { size })]),
    );
  }
  if (wanted.kind === 'range') {
    const { start, end } = wanted.range;
    const blob = await s.reads.open(digest, wanted.range);
    reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
    return sendBlob(s, name, reply, blob, end - start + 1);
  }
  const blob = await s.reads.open(digest);
  return sendBlob(s, name, reply, blob, size);
}

/**
 * Blob bytes go from the store straight to the socket, past the framework: the store writes its
 * (reused) buffers itself and learns when each is written out. Egress is what a client received:
 * a body cut off before its end is not counted, and its connection is dropped.
 */
async function sendBlob(s: RegistryServices, name: string, reply: FastifyReply, blob: OpenBlob, bytes: number): Promise<FastifyReply> {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
  try {
    await blob.sendTo(response);
    s.downloads.served(name, bytes);
  } catch {
    response.destroy();
  }
  return reply;
}

async function referrers(s: RegistryServices, name: string, digest: string, x: Exchange): Promise<FastifyReply> {
  const artifactType = x.query.get('artifactType') ?? undefined;
  const manifests = await s.manifests.referrers(name, digest, artifactType);
  if (artifactType) x.reply.header('oci-filters-applied', 'artifactType');
  return x.reply
    .code(200)
    .header('content-type', MediaType.OciIndex)
    .send(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests })));
}

function uploadAccepted(reply: FastifyReply, name: string, id: string, offset: number): FastifyReply {
  return reply
    .header('location', `/v2/${name}/blobs/uploads/${id}`)
    .header('range', `0-${Math.max(offset - 1, 0)}`)
    .header('docker-upload-uuid', id)
    .header('content-length', 0);
}

function blobCreated(reply: FastifyReply, name: string, digest: string): FastifyReply {
  return reply.code(201).header('location', `/v2/${name}/blobs/${digest}`).header('docker-content-digest', digest).header('content-length', 0).send();
}

function sendListing(x: Exchange, path: string, listing: Listing, body: (items: string[]) => object): FastifyReply {
  if (listing.next) {
    const next = new URLSearchParams({ n: String(listing.next.n), last: listing.next.last ?? '' });
    x.reply.header('link', `<${path}?${next.toString()}>; rel="next"`);
  }
  return x.reply.code(200).header('content-type', 'application/json').send(JSON.stringify(body(listing.items)));
}

function param(x: Exchange, name: string): string | undefined {
  return x.query.get(name) ?? undefined;
}

/** `Content-Range: <start>-<end>` as the distribution spec writes it (no unit); malformed is 416. */
function parseContentRange(header: string | undefined): ChunkRange | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})(?:\/\d+|\/\*)?$/.exec(header.trim());
  if (!match || Number(match[2]) < Number(match[1])) throw new OciError('RANGE_INVALID', 'invalid Content-Range', { contentRange: header.slice(0, 100) });
  return { start: Number(match[1]), end: Number(match[2]) };
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Past this, an oversized body is not read to its end: the connection is dropped instead. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads a small body (a manifest) into memory, keeping no more than `limit` bytes. An oversized
 * body is still read and discarded (up to DRAIN_LIMIT) so that the client, still sending, gets
 * the 413 instead of a reset connection.
 */
async function readBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  const tooLarge = new OciError('PAYLOAD_TOO_LARGE', `manifest exceeds ${limit} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > DRAIN_LIMIT) throw tooLarge;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request.raw) {
    total += (chunk as Buffer).length;
    if (total > DRAIN_LIMIT) throw tooLarge;
    if (total <= limit) chunks.push(chunk as Buffer);
  }
  if (total > limit) throw tooLarge;
  return Buffer.concat(chunks);
}

/** Logged under the request's id, which a registry read, served outside any call context, must lend its log line. */
function logUnexpected(services: RegistryServices, reply: FastifyReply, error: unknown): void {
  const requestId = reply.getHeader('x-request-id');
  if (currentCall() !== undefined || typeof requestId !== 'string') return services.log(error);
  runInCall({ requestId, actor: {} }, () => services.log(error));
}

function sendError(services: RegistryServices, reply: FastifyReply, method: string, error: unknown): FastifyReply {
  const oci = error instanceof OciError ? error : new OciError('UNKNOWN', 'internal error');
  if (!(error instanceof OciError)) logUnexpected(services, reply, error);
  reply.code(oci.status).header('content-type', 'application/json');
  if (error instanceof ChallengeError) reply.header('www-authenticate', error.challenge);
  return reply.send(method === 'HEAD' ? undefined : JSON.stringify(ociErrorBody([oci])));
}
