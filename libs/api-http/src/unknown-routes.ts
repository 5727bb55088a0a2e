import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';
import { swrError } from './envelopes';

/**
 * Paths under the management API (`/v2/manage`, and `/v3/` beside the IAM routes) that no handler
 * serves: SWR's "URL not found" (`SVCSTG.SWR.4040083`) in SWR's envelope. Without these, `/v2/…`
 * would fall to the registry's catch-all and answer in the OCI envelope, and `/v3/…` in the
 * framework's own. Every route a handler declares is more specific and wins.
 */
export function answerUnknownManagementRoutes(fastify: FastifyInstance): void {
  const notFound = (path: string) => swrError(new ApiError(404, `no such API: ${path.slice(0, 200)}`, undefined, '0083'));
  for (const url of ['/v2/manage', '/v2/manage/*', '/v3/*']) {
    fastify.all(url, (request, reply) => {
      const { status, body } = notFound(request.url.split('?')[0]);
      return reply.status(status).header('content-type', 'application/json').send(body);
    });
  }
}
