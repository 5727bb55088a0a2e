import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies as management clients send them: the Huawei SDK sets `Content-Type: application/json`
 * on every request, bodiless DELETEs and POSTs included, so an empty body means "no body", not an error.
 */
export function acceptEmptyJsonBodies(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Kept as sent: an AK/SK signature covers the body's exact bytes.
    (request as { rawBody?: string }).rawBody = body as string;
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('the request body is not valid JSON'), { statusCode: 400 }), undefined);
    }
  });
}
