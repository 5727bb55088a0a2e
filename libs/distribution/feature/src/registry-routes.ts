import type { AccessGrant, ChunkRange, RegistryAction, RegistryRoute } from '@swr/distribution-core';
import { ChallengeError } from '@swr/distribution-core';
import { isDigestAlgorithm, MAX_MANIFEST_BYTES, OciError, parseRepositoryName } from '@swr/oci';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { identifyCaller } from '@swr/messaging';
import { API_VERSION, ENDPOINTS, errorAnswer, registryTarget, RegistryServices, tokenRealm, unsupported, uploadHeaders } from './registry-http';

/** Clients are told to send chunks of at least this size (S3 needs 5 MiB parts to compose server-side). */
const CHUNK_MIN_LENGTH = 5 * 1024 * 1024;
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
 * The OCI Distribution v1.1 writes under `/v2/` (reads are answered before the framework, see
 * `registryReads`). Routing is ours rather than the router's: repository names contain slashes,
 * and paths are matched raw so that an encoded `..` is never a name. Bodies are not parsed: blob
 * bytes stream from the socket to the blob store.
 */
export async function registryRoutes(app: FastifyInstance, services: RegistryServices): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  const handler = (request: FastifyRequest, reply: FastifyReply) => handle(services, request, reply);
  app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url: '/v2/*', handler });
}

async function handle(services: RegistryServices, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  reply.header('Docker-Distribution-API-Version', API_VERSION);
  try {
    const { route, query } = registryTarget(request.raw.url ?? '/v2/');
    (request as unknown as Record<symbol, string>)[ENDPOINT] = ENDPOINTS[route.kind];
    const exchange: Exchange = { request, reply, method: request.method, query };
    const grant = await services.access.authorize({
      action: actionOf(route, exchange.method),
      repository: 'name' in route ? route.name : undefined,
      catalog: route.kind === 'catalog',
      mountFrom: route.kind === 'uploads' && exchange.method === 'POST' ? mountSource(exchange.query) : undefined,
      authorization: request.headers.authorization,
      realm: tokenRealm(services, request.headers),
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
  return method === 'DELETE' && (route.kind === 'manifest' || route.kind === 'blob') ? 'delete' : 'push';
}

async function dispatch(s: RegistryServices, route: RegistryRoute, x: Exchange, grant: AccessGrant): Promise<FastifyReply> {
  const { method, reply } = x;
  switch (route.kind) {
    case 'manifest':
      return manifestRoute(s, route.name, route.reference, x, grant);
    case 'uploads':
      if (method !== 'POST') throw unsupported(method);
      return startUpload(s, route.name, x, grant);
    case 'upload':
      return uploadRoute(s, route.name, route.id, x);
    case 'blob':
      if (method !== 'DELETE') throw unsupported(method);
      await s.reads.unlink(route.name, route.digest);
      return reply.code(202).header('content-length', 0).send();
    default:
      throw unsupported(method);
  }
}

async function manifestRoute(s: RegistryServices, name: string, reference: string, x: Exchange, grant: AccessGrant): Promise<FastifyReply> {
  const { method, reply } = x;
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
    const blob = await s.uploads.monolithic(name, digest, x.request.raw, grant.account, declaredLength(x.request));
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
    case 'PATCH': {
      const session = await s.uploads.append(name, id, request.raw, parseContentRange(request.headers['content-range']), declaredLength(request));
      return uploadAccepted(reply, name, id, session.offset).code(202).send();
    }
    case 'PUT': {
      const digest = x.query.get('digest');
      if (!digest) throw new OciError('DIGEST_INVALID', 'digest query parameter is required');
      const blob = await s.uploads.finish(name, id, digest, hasBody(request) ? request.raw : undefined, declaredLength(request));
      return blobCreated(reply, name, blob.digest);
    }
    case 'DELETE':
      await s.uploads.cancel(name, id);
      return reply.code(204).send();
    default:
      throw unsupported(method);
  }
}

function uploadAccepted(reply: FastifyReply, name: string, id: string, offset: number): FastifyReply {
  return reply.headers(uploadHeaders(name, id, offset));
}

function blobCreated(reply: FastifyReply, name: string, digest: string): FastifyReply {
  return reply.code(201).header('location', `/v2/${name}/blobs/${digest}`).header('docker-content-digest', digest).header('content-length', 0).send();
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

/** The body's length as its Content-Length declares it; undefined for a body sent in chunks. */
function declaredLength(request: FastifyRequest): number | undefined {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] === undefined && length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
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

function sendError(services: RegistryServices, reply: FastifyReply, method: string, error: unknown): FastifyReply {
  // A write is served within its call: the log line carries its request id.
  if (!(error instanceof OciError)) services.log(error);
  const failure = errorAnswer(error, method);
  return reply.code(failure.status).headers(failure.headers).send(failure.body);
}
