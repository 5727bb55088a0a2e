import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { MessagingErrorCode, RemoteError, RpcClient, RpcContract } from '@swr/contracts';
import { lastValueFrom } from 'rxjs';
import { withCallContext } from './call-context';
import { toRemoteError } from './rpc-client';

/**
 * Request/reply inside one process (standalone mode). Payloads are copied through JSON both ways so
 * that a handler sees exactly what it would receive over NATS, and the two transports cannot drift.
 */
export class InProcessBus {
  private readonly servers = new Set<InProcessServer>();

  attach(server: InProcessServer): void {
    this.servers.add(server);
  }

  detach(server: InProcessServer): void {
    this.servers.delete(server);
  }

  async request(subject: string, data: unknown): Promise<unknown> {
    for (const server of this.servers) {
      if (server.handles(subject)) return server.dispatch(subject, data);
    }
    throw new RemoteError({ code: MessagingErrorCode.NoHandler, message: `no handler for ${subject}` });
  }
}

export class InProcessServer extends Server implements CustomTransportStrategy {
  constructor(private readonly bus: InProcessBus) {
    super();
  }

  listen(callback: () => void): void {
    this.bus.attach(this);
    callback();
  }

  close(): void {
    this.bus.detach(this);
  }

  handles(subject: string): boolean {
    return this.handlerFor(subject) !== undefined;
  }

  async dispatch(subject: string, data: unknown): Promise<unknown> {
    const handler = this.handlerFor(subject);
    if (!handler) throw new RemoteError({ code: MessagingErrorCode.NoHandler, message: `no handler for ${subject}` });
    const result = await lastValueFrom(this.transformToObservable(await handler(copy(data), new BaseRpcContext([]))), { defaultValue: undefined });
    return copy(result);
  }

  /** Subjects are plain strings: look them up directly (Nest's own lookup tries to parse each as JSON first). */
  private handlerFor(subject: string) {
    return this.messageHandlers.get(subject) ?? this.getHandlerByPattern(subject) ?? undefined;
  }

  on(): never {
    throw new Error('the in-process transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

export class InProcessRpcClient implements RpcClient {
  constructor(private readonly bus: InProcessBus) {}

  async call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
    try {
      return (await this.bus.request(contract.subject, withCallContext(request))) as Res;
    } catch (error) {
      throw toRemoteError(error);
    }
  }

  async close(): Promise<void> {
    return;
  }
}

function copy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
