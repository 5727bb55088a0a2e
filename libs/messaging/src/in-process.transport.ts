import type { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { MessagingErrorCode, RemoteError, RpcClient, RpcContract } from '@swr/contracts';
import { RpcHandler, rpcHandlersOf } from './handles.decorator';
import { jsonCopy } from './json-copy';
import { toRemoteError } from './rpc-client';

/**
 * Request/reply inside one process (standalone mode). Handlers are called directly, not through
 * Nest's RPC pipeline (`@Handles` already validates, carries the call context and codes errors).
 * Payloads are copied both ways as a JSON round trip would, so that a handler sees exactly what it
 * would receive over NATS, and the two transports cannot drift.
 */
export class InProcessBus {
  private readonly handlers = new Map<string, RpcHandler>();

  /** Serves the `@Handles` methods of these controllers until the returned function is called. */
  serve(controllers: Iterable<object>): () => void {
    const added: string[] = [];
    for (const controller of controllers) {
      for (const [subject, handler] of rpcHandlersOf(controller)) {
        if (this.handlers.has(subject)) throw new Error(`two handlers for ${subject}`);
        this.handlers.set(subject, handler);
        added.push(subject);
      }
    }
    return () => added.forEach((subject) => this.handlers.delete(subject));
  }

  /** The handler's answer, or its failure as the `RemoteError` a client over NATS would get. */
  async request(subject: string, data: unknown): Promise<unknown> {
    const handler = this.handlers.get(subject);
    if (!handler) throw new RemoteError({ code: MessagingErrorCode.NoHandler, message: `no handler for ${subject}` });
    try {
      return jsonCopy(await handler(jsonCopy(data)));
    } catch (error) {
      throw toRemoteError(error instanceof RpcException ? error.getError() : error);
    }
  }
}

/** The controller instances of a Nest application: where its `@Handles` methods live. */
export function controllersOf(app: INestApplicationContext): object[] {
  const controllers: object[] = [];
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.instance) controllers.push(wrapper.instance);
    }
  }
  return controllers;
}

/**
 * Sends no call context with a request: the handler runs within the caller's own, which it
 * inherits as any function called from it does, so there is nothing to copy, check or re-enter.
 */
export class InProcessRpcClient implements RpcClient {
  constructor(private readonly bus: InProcessBus) {}

  call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
    return this.bus.request(contract.subject, request) as Promise<Res>;
  }

  async close(): Promise<void> {
    return;
  }
}
