import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from './api-error';
import { iamError, swrError } from './envelopes';

/**
 * Failures Fastify raises before a handler runs (a body that is not JSON, an unsupported content
 * type, a body over the limit), answered in the envelope of the API that was called: SWR's on
 * the management API, IAM's on the IAM API, the OCI error body elsewhere.
 */
export function answerFrameworkErrorsInApiEnvelopes(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const path = request.url.split('?')[0];
    const failure = status >= 500 ? error : new ApiError(status, error.message, undefined, status === 400 ? '0014' : undefined);
    if (status >= 500) request.log.error(error);
    if (/^\/v[23]\/manage(\/|$)/.test(path)) {
      const { status: code, body } = swrError(failure);
      return reply.status(code).header('content-type', 'application/json').send(body);
    }
    if (path.startsWith('/v3')) {
      const { status: code, body } = iamError(failure);
      return reply.status(code).header('content-type', 'application/json').send(body);
    }
    const message = status >= 500 ? 'internal error' : error.message;
    return reply
      .status(status)
      .header('content-type', 'application/json')
      .send({ errors: [{ code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status >= 500 ? 'UNKNOWN' : 'UNSUPPORTED', message, detail: {} }] });
  });
}
