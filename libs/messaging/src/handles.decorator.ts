import { Logger } from '@nestjs/common';
import { MessagePattern, RpcException } from '@nestjs/microservices';
import { ErrorPayload, MessagingErrorCode, RpcContract } from '@swr/contracts';
import { runInCall, takeCallContext } from './call-context';

const logger = new Logger('RpcHandler');

/**
 * Errors that carry a code from an API's closed table (and the HTTP status it means) travel to the
 * caller as they are. Anything else, a database driver's coded error included, is internal.
 */
function isCodedError(error: unknown): error is Error & { code: string; detail?: unknown } {
  const coded = error as { code?: unknown; status?: unknown };
  return error instanceof Error && typeof coded.code === 'string' && typeof coded.status === 'number';
}

function toPayload(error: unknown): ErrorPayload {
  if (isCodedError(error)) {
    return error.detail === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, detail: error.detail };
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { code: MessagingErrorCode.Internal, message: 'internal error' };
}

/** The subjects a class's methods handle, by method name: how an in-process bus finds them without Nest's RPC pipeline. */
const HANDLED_SUBJECTS = Symbol('handledSubjects');

type HandlerTable = Map<string | symbol, string>;

/** A handler as `@Handles` makes it: takes what a transport delivered, answers or throws an RpcException. */
export type RpcHandler = (data: unknown) => Promise<unknown>;

/** The `@Handles` methods of a controller instance, bound to it, by subject. */
export function rpcHandlersOf(controller: object): Map<string, RpcHandler> {
  const table = (controller as { [HANDLED_SUBJECTS]?: HandlerTable })[HANDLED_SUBJECTS];
  const handlers = new Map<string, RpcHandler>();
  for (const [key, subject] of table ?? []) {
    const method = (controller as Record<string | symbol, RpcHandler>)[key];
    handlers.set(subject, (data) => method.call(controller, data));
  }
  return handlers;
}

function recordSubject(target: object, key: string | symbol, subject: string): void {
  const holder = target as { [HANDLED_SUBJECTS]?: HandlerTable };
  // Each class gets its own table (a subclass starts from its parent's), never the parent's itself.
  if (!Object.prototype.hasOwnProperty.call(holder, HANDLED_SUBJECTS)) holder[HANDLED_SUBJECTS] = new Map(holder[HANDLED_SUBJECTS]);
  holder[HANDLED_SUBJECTS]?.set(key, subject);
}

/**
 * Marks a method as the handler of an RPC contract: registers the subject, validates the request
 * against the contract's schema, serves it within the caller's call context, and turns failures into the coded error payload callers expect.
 */
export function Handles<Req, Res>(contract: RpcContract<Req, Res>): MethodDecorator {
  return (target, key, descriptor: PropertyDescriptor) => {
    const handler = descriptor.value as (request: Req) => Promise<Res> | Res;
    descriptor.value = async function (this: unknown, data: unknown): Promise<Res> {
      const { context, request } = takeCallContext(data);
      const parsed = contract.request.safeParse(request);
      if (!parsed.success) {
        throw new RpcException({ code: MessagingErrorCode.BadRequest, message: `invalid ${contract.subject} request`, detail: parsed.error.issues.slice(0, 5) });
      }
      try {
        const run = () => handler.call(this, parsed.data);
        return await (context ? runInCall(context, run) : run());
      } catch (error) {
        throw new RpcException(toPayload(error));
      }
    };
    MessagePattern(contract.subject)(target, key, descriptor);
    recordSubject(target, key, contract.subject);
    return descriptor;
  };
}
