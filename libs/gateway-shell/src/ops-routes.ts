import { registryEndpointOf } from '@swr/distribution-feature';
import { secondsSince, type OpsEndpoints } from '@swr/ops';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const STARTED = Symbol('swr.requestStarted');

/**
 * `/healthz`, `/readyz` and `/metrics` on the gateway's own port, and the HTTP metrics: requests
 * by method, route template and status, their duration, and the bytes moved each way.
 */
export function serveOps(fastify: FastifyInstance, ops: OpsEndpoints): void {
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    fastify.get(path, async (_request, reply) => {
      const answer = await ops.answer(path);
      if (!answer) return reply.code(404).send();
      return reply.code(answer.status).header('content-type', answer.contentType).header('cache-control', 'no-store').send(answer.body);
    });
  }
  const duration = ops.metrics.histogram('swr_http_request_duration_seconds', 'HTTP requests by method, route template and status, until the answer was sent', ['method', 'route', 'status']);
  const received = ops.metrics.counter('swr_http_request_bytes_total', 'Request body bytes, as announced by Content-Length, by route template', ['route']);
  const sent = ops.metrics.counter('swr_http_response_bytes_total', 'Response body bytes, as announced by Content-Length, by route template', ['route']);
  fastify.addHook('onRequest', (request, _reply, done) => {
    (request as unknown as Record<symbol, number>)[STARTED] = performance.now();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const started = (request as unknown as Record<symbol, number | undefined>)[STARTED];
    const route = routeLabel(request);
    if (started !== undefined) duration.of(request.method, route, String(reply.statusCode)).observe(secondsSince(started));
    const inBytes = Number(request.headers['content-length'] ?? 0);
    if (inBytes > 0) received.inc({ route }, inBytes);
    const outBytes = Number(reply.getHeader('content-length') ?? 0);
    if (outBytes > 0 && request.method !== 'HEAD') sent.inc({ route }, outBytes);
    done();
  });
}

/** The route's template; for the registry's one wildcard route, the OCI endpoint it reached (never a name or digest). */
function routeLabel(request: FastifyRequest): string {
  const template = request.routeOptions.url;
  if (template === undefined) return 'unmatched';
  return template === '/v2/*' ? (registryEndpointOf(request) ?? template) : template;
}
