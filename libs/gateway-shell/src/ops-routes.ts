import { registryEndpointOf } from '@swr/distribution-feature';
import { secondsSince, type Metrics, type OpsEndpoints } from '@swr/ops';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const STARTED = Symbol('swr.requestStarted');

/** How one request was answered, as the HTTP metrics count it. */
export interface AnsweredRequest {
  readonly method: string;
  /** The route's template: never a name or a digest. */
  readonly route: string;
  readonly status: number;
  /** `performance.now()` when the request was taken. */
  readonly startedAt: number;
  /** As announced by Content-Length. */
  readonly requestBytes: number;
  /** As announced by Content-Length; none for HEAD. */
  readonly responseBytes: number;
}

/** Requests by method, route template and status, their duration, and the bytes moved each way. */
export class HttpMetrics {
  private readonly duration;
  private readonly received;
  private readonly sent;

  constructor(metrics: Metrics) {
    this.duration = metrics.histogram('swr_http_request_duration_seconds', 'HTTP requests by method, route template and status, until the answer was sent', ['method', 'route', 'status']);
    this.received = metrics.counter('swr_http_request_bytes_total', 'Request body bytes, as announced by Content-Length, by route template', ['route']);
    this.sent = metrics.counter('swr_http_response_bytes_total', 'Response body bytes, as announced by Content-Length, by route template', ['route']);
  }

  record(answer: AnsweredRequest): void {
    const { route } = answer;
    this.duration.of(answer.method, route, String(answer.status)).observe(secondsSince(answer.startedAt));
    if (answer.requestBytes > 0) this.received.inc({ route }, answer.requestBytes);
    if (answer.responseBytes > 0) this.sent.inc({ route }, answer.responseBytes);
  }
}

/**
 * `/healthz`, `/readyz` and `/metrics` on the gateway's own port, and the HTTP metrics of the
 * requests the framework serves (registry reads, served before it, record theirs themselves).
 */
export function serveOps(fastify: FastifyInstance, ops: OpsEndpoints, metrics: HttpMetrics): void {
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    fastify.get(path, async (_request, reply) => {
      const answer = await ops.answer(path);
      if (!answer) return reply.code(404).send();
      return reply.code(answer.status).header('content-type', answer.contentType).header('cache-control', 'no-store').send(answer.body);
    });
  }
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request as unknown as Record<symbol, number>)[STARTED] = performance.now();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const startedAt = (request as unknown as Record<symbol, number | undefined>)[STARTED];
    if (startedAt !== undefined) {
      metrics.record({
        method: request.method,
        route: routeLabel(request),
        status: reply.statusCode,
        startedAt,
        requestBytes: Number(request.headers['content-length'] ?? 0),
        responseBytes: request.method === 'HEAD' ? 0 : Number(reply.getHeader('content-length') ?? 0),
      });
    }
    done();
  });
}

/** The route's template; for the registry's one wildcard route, the OCI endpoint it reached (never a name or digest). */
function routeLabel(request: FastifyRequest): string {
  const template = request.routeOptions.url;
  if (template === undefined) return 'unmatched';
  return template === '/v2/*' ? (registryEndpointOf(request) ?? template) : template;
}
