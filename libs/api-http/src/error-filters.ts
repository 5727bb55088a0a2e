import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError } from './api-error';
import { ErrorReply, iamError, swrError } from './envelopes';

const logger = new Logger('ManagementApi');

/** Framework errors (a malformed JSON body, say) keep their status; everything gets the API's envelope. */
function normalised(error: unknown): unknown {
  if (error instanceof HttpException) return new ApiError(error.getStatus(), error.message);
  return error;
}

function send(host: ArgumentsHost, reply: ErrorReply, error: unknown): void {
  if (reply.status >= 500 && reply.status !== 503) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  host.switchToHttp().getResponse<FastifyReply>().status(reply.status).header('content-type', 'application/json').send(reply.body);
}

/** Errors of the SWR management API (`/v2/manage/...`) in SWR's envelope. */
@Catch()
export class SwrErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    send(host, swrError(normalised(error)), error);
  }
}

/** Errors of the IAM-compatible API (`/v3/...`) in Huawei IAM's envelope. */
@Catch()
export class IamErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    send(host, iamError(normalised(error)), error);
  }
}
