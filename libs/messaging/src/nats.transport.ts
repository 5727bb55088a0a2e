import { ClientNats, NatsOptions, ServerNats } from '@nestjs/microservices';
import { MessagingErrorCode, RemoteError, RpcClient, RpcContract } from '@swr/contracts';
import { lastValueFrom, timeout } from 'rxjs';
import { withCallContext } from './call-context';
import { DrainingNatsServer } from './draining-nats-server';
import { toRemoteError } from './rpc-client';

export interface NatsConnectionOptions {
  readonly servers: string[];
  /** Services of one kind share a queue group, so each request reaches one replica. */
  readonly queue?: string;
  readonly name?: string;
}

export interface NatsServerOptions extends NatsConnectionOptions {
  /** On close, requests already taken get this long to be answered (default 10 s). */
  readonly shutdownGraceMs?: number;
}

function natsOptions(options: NatsConnectionOptions): Required<NatsOptions>['options'] {
  return {
    servers: options.servers,
    queue: options.queue,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  };
}

/** The NestJS NATS transport strategy for a service that answers requests, and stops without dropping one. */
export function natsServer(options: NatsServerOptions): ServerNats {
  return new DrainingNatsServer(natsOptions(options), options.shutdownGraceMs ?? 10_000);
}

export class NatsRpcClient implements RpcClient {
  private readonly client: ClientNats;

  constructor(
    options: NatsConnectionOptions,
    private readonly timeoutMs = 30_000,
  ) {
    this.client = new ClientNats(natsOptions(options));
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  async call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
    try {
      return await lastValueFrom(this.client.send<Res, Req>(contract.subject, withCallContext(request)).pipe(timeout(this.timeoutMs)));
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new RemoteError({ code: MessagingErrorCode.Timeout, message: `${contract.subject} timed out after ${this.timeoutMs} ms` });
      }
      throw toRemoteError(error);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
