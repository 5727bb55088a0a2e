import type { AccessGrant, Listing, RegistryRoute } from '@swr/distribution-core';
import { parsePage, parseRangeHeader } from '@swr/distribution-core';
import type { OpenBlob } from '@swr/blob-store';
import { MediaType, OciError, ociErrorBody } from '@swr/oci';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { runInCall } from '@swr/messaging';
import { AnswerBatch } from './answer-batch';
import { API_VERSION, ENDPOINTS, errorAnswer, registryTarget, RegistryServices, tokenRealm, unsupported, uploadHeaders } from './registry-http';

/** What a read was answered with, for the HTTP metrics. */
export interface AnsweredRead {
  readonly method: string;
  /** The endpoint's template (never a name or a digest); `/v2/*` for a path that is no endpoint. */
  readonly route: string;
  readonly status: number;
  /** `performance.now()` when the request was taken. */
  readonly startedAt: number;
  /** As announced by Content-Length. */
  readonly requestBytes: number;
  /** As announced by Content-Length; none for HEAD. */
  readonly responseBytes: number;
}

/** Serves a request on the bare Node objects and says true, or leaves it to the next handler (false). */
export type RawRequestHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The registry's reads (GET and HEAD under `/v2/`, the management API aside), answered on the
 * bare Node request before the framework sees it. They are the bulk of a registry's traffic and
 * record nothing but a pull count, outside any call context; the framework's per-request work
 * (routing, its hooks, those of the call audit and the metrics) was a fifth to a quarter of
 * their cost (measured on manifest GETs and blob HEADs), and none of it applies to them. Writes
 * go through the framework (`registryRoutes`), where each runs within its audited call.
 */
export function registryReads(services: RegistryServices, onAnswered?: (answer: AnsweredRead) => void): RawRequestHandler {
  const batch = new AnswerBatch();
  return (request, response) => {
    const method = request.method;
    if ((method !== 'GET' && method !== 'HEAD') || !isRegistryUrl(request.url ?? '')) return false;
    // Whatever fails on the way out (a header Node refuses, a socket gone) ends this connection, never the process.
    serveRead(services, request, new ReadAnswer(response, method, randomUUID(), batch), onAnswered).catch((error: unknown) => {
      services.log(error);
      response.destroy();
    });
    return true;
  };
}

/** The management API shares the `/v2/` prefix: its paths are its own, whatever a repository is called. */
function isRegistryUrl(url: string): boolean {
  if (!url.startsWith('/v2/')) return false;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path !== '/v2/manage' && !path.startsWith('/v2/manage/');
}

/** One read's answer: its headers as they are decided, written once. */
class ReadAnswer {
  headers: OutgoingHttpHeaders;
  status = 200;

  constructor(
    readonly response: ServerResponse,
    readonly method: 'GET' | 'HEAD',
    readonly requestId: string,
    private readonly batch: AnswerBatch,
  ) {
    this.headers = this.baseHeaders();
  }

  /** Every answer's: the API version, and the id the caller may quote (an unexpected failure is logged under it). */
  private baseHeaders(): OutgoingHttpHeaders {
    return { 'docker-distribution-api-version': API_VERSION, 'x-request-id': this.requestId };
  }

  /** The failure's answer in place of whatever was being prepared; a failure once the answer has begun can only cut it off. */
  fail(error: unknown): void {
    if (this.response.headersSent) {
      this.response.destroy();
      return;
    }
    const failure = errorAnswer(error, this.method);
    this.headers = { ...this.baseHeaders(), ...failure.headers };
    this.send(failure.status, failure.body);
  }

  /**
   * Ends the answer with `body` (none for HEAD, whose Content-Length, if any, was set by the caller).
   * The head is checked now (a header Node refuses throws here, where the read can still fail cleanly) and sent with its batch.
   */
  send(status: number, body?: string | Buffer): void {
    this.status = status;
    if (body !== undefined && this.method === 'GET') this.headers['content-length'] ??= Buffer.byteLength(body);
    this.response.writeHead(status, this.headers);
    this.batch.end(this.response, this.method === 'GET' ? body : undefined);
  }

  /**
   * Blob bytes go from the store straight to the socket: the store writes its (reused) buffers
   * itself and learns when each is written out. A body cut off before its end drops the connection.
   */
  async sendBlob(status: number, blob: OpenBlob): Promise<boolean> {
    this.status = status;
    this.response.writeHead(status, this.headers);
    try {
      await blob.sendTo(this.response);
      return true;
    } catch {
      this.response.destroy();
      return false;
    }
  }
}

async function serveRead(s: RegistryServices, request: IncomingMessage, answer: ReadAnswer, onAnswered?: (answer: AnsweredRead) => void): Promise<void> {
  const startedAt = performance.now();
  let route = '/v2/*';
  try {
    const target = registryTarget(request.url ?? '/v2/');
    route = ENDPOINTS[target.route.kind];
    const grant = await s.access.authorize({
      action: 'pull',
      repository: 'name' in target.route ? target.route.name : undefined,
      catalog: target.route.kind === 'catalog',
      authorization: request.headers.authorization,
      realm: tokenRealm(s, request.headers),
    });
    await dispatch(s, target.route, target.query, request, answer, grant);
  } catch (error) {
    // Outside any call context: the log line borrows the request's id, which the caller was given.
    if (!(error instanceof OciError)) runInCall({ requestId: answer.requestId, actor: {} }, () => s.log(error));
    answer.fail(error);
  }
  onAnswered?.({
    method: answer.method,
    route,
    status: answer.status,
    startedAt,
    requestBytes: Number(request.headers['content-length'] ?? 0),
    responseBytes: answer.method === 'HEAD' ? 0 : Number(answer.headers['content-length'] ?? 0),
  });
}

async function dispatch(s: RegistryServices, route: RegistryRoute, query: URLSearchParams, request: IncomingMessage, answer: ReadAnswer, grant: AccessGrant): Promise<void> {
  const { method } = answer;
  switch (route.kind) {
    case 'base':
      answer.headers['content-type'] = 'application/json';
      return answer.send(200, '{}');
    case 'catalog':
      if (method !== 'GET') throw unsupported(method);
      return sendListing(answer, '/v2/_catalog', await s.listings.repositories(page(query), grant.subject), (items) => ({ repositories: items }));
    case 'tags':
      if (method !== 'GET') throw unsupported(method);
      return sendListing(answer, `/v2/${route.name}/tags/list`, await s.listings.tags(route.name, page(query)), (items) => ({ name: route.name, tags: items }));
    case 'manifest': {
      const manifest = await s.manifests.get(route.name, route.reference, method === 'GET');
      if (method === 'GET') s.downloads.count(route.name, manifest.size);
      Object.assign(answer.headers, {
        'content-type': manifest.mediaType,
        'docker-content-digest': manifest.digest,
        etag: `"${manifest.digest}"`,
        'content-length': manifest.size,
      });
      return answer.send(200, manifest.content);
    }
    case 'upload': {
      if (method !== 'GET') throw unsupported(method);
      const session = await s.uploads.status(route.name, route.id);
      Object.assign(answer.headers, uploadHeaders(route.name, route.id, session.offset));
      return answer.send(204);
    }
    case 'blob':
      return blob(s, route.name, route.digest, request, answer);
    case 'referrers': {
      if (method !== 'GET') throw unsupported(method);
      const artifactType = query.get('artifactType') ?? undefined;
      const manifests = await s.manifests.referrers(route.name, route.digest, artifactType);
      if (artifactType) answer.headers['oci-filters-applied'] = 'artifactType';
      answer.headers['content-type'] = MediaType.OciIndex;
      return answer.send(200, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }));
    }
    case 'uploads':
      throw unsupported(method);
  }
}

async function blob(s: RegistryServices, name: string, digest: string, request: IncomingMessage, answer: ReadAnswer): Promise<void> {
  const size = await s.reads.stat(name, digest);
  Object.assign(answer.headers, { 'docker-content-digest': digest, 'accept-ranges': 'bytes', etag: `"${digest}"`, 'content-type': 'application/octet-stream' });
  if (answer.method === 'HEAD') {
    answer.headers['content-length'] = size;
    return answer.send(200);
  }
  const wanted = parseRangeHeader(request.headers.range, size);
  if (wanted.kind === 'unsatisfiable') {
    answer.headers['content-range'] = `bytes */${size}`;
    answer.headers['content-type'] = 'application/json';
    return answer.send(416, JSON.stringify(ociErrorBody([new OciError('RANGE_INVALID', 'requested range not satisfiable', { size })])));
  }
  const redirect = await s.reads.redirectUrl(digest);
  const bytes = wanted.kind === 'range' ? wanted.range.end - wanted.range.start + 1 : size;
  if (redirect) {
    // The store serves the bytes (and the Range, which the client sends again); they count as served all the same.
    s.downloads.served(name, bytes);
    answer.headers.location = redirect;
    answer.headers['content-length'] = 0;
    return answer.send(307);
  }
  answer.headers['content-length'] = bytes;
  if (wanted.kind === 'range') answer.headers['content-range'] = `bytes ${wanted.range.start}-${wanted.range.end}/${size}`;
  const opened = await s.reads.open(digest, wanted.kind === 'range' ? wanted.range : undefined);
  if (await answer.sendBlob(wanted.kind === 'range' ? 206 : 200, opened)) s.downloads.served(name, bytes);
}

function page(query: URLSearchParams) {
  return parsePage(query.get('n') ?? undefined, query.get('last') ?? undefined);
}

function sendListing(answer: ReadAnswer, path: string, listing: Listing, body: (items: string[]) => object): void {
  if (listing.next) {
    const next = new URLSearchParams({ n: String(listing.next.n), last: listing.next.last ?? '' });
    answer.headers.link = `<${path}?${next.toString()}>; rel="next"`;
  }
  answer.headers['content-type'] = 'application/json';
  answer.send(200, JSON.stringify(body(listing.items)));
}
