import { ArgumentsHost, Catch, ExecutionContext, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { iamError, swrError } from './envelopes';

const logger = new Logger('HttpServer');

/**
 * Failures Fastify raises before a handler runs (a body that is not JSON, an unsupported content
 * type, a body over the limit), and failures of the raw registry routes, answered in the envelope
 * of the API that was called: SWR's on the management API, IAM's on the IAM API, the OCI error
 * body elsewhere. Nest owns the Fastify server's one error handler and hands these to the global
 * filters (Fastify's as HttpExceptions); a controller's failure that its own filters let through
 * keeps Nest's default answer.
 */
@Catch()
export class FrameworkErrorFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    // Only a controller's failure comes with the controller's class.
    if ((host as ExecutionContext).getClass?.()) return super.catch(error, host);
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const reported = error instanceof HttpException ? error.getStatus() : (error as { statusCode?: unknown }).statusCode;
    const status = typeof reported === 'number' && reported >= 400 && reported < 500 ? reported : 500;
    const message = error instanceof Error ? error.message : String(error);
    const path = request.url.split('?')[0];
    const failure = status >= 500 ? error : new ApiError(status, message, undefined, status === 400 ? '0014' : undefined);
    if (status >= 500) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (/^\/v[23]\/manage(\/|$)/.test(path)) {
      const { status: code, body } = swrError(failure);
      void reply.status(code).header('content-type', 'application/json').send(body);
      return;
    }
    if (path.startsWith('/v3')) {
      const { status: code, body } = iamError(failure);
      void reply.status(code).header('content-type', 'application/json').send(body);
      return;
    }
    void reply
      .status(status)
      .header('content-type', 'application/json')
      .send({ errors: [{ code: status === 413 ? 'PAYLOAD_TOO_LARGE' : status >= 500 ? 'UNKNOWN' : 'UNSUPPORTED', message: status >= 500 ? 'internal error' : message, detail: {} }] });
  }
}
