import { ServerNats } from '@nestjs/microservices';
import { MessagingErrorCode, RemoteError, RpcClient, RpcContract } from '@swr/contracts';
import { randomUUID } from 'node:crypto';
import { connect, ConnectionOptions, JSONCodec, NatsError } from 'nats';
import { withCallContext } from './call-context';
import { DrainingNatsServer } from './draining-nats-server';
import { ReplyInbox, UnansweredError } from './reply-inbox';
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

/**
 * How every RPC connection of ours to NATS behaves: reconnects forever, quickly, keeping its
 * subscriptions; and takes no stack trace for each request and its timer in case it times out (a
 * tenth of a gateway's CPU per call; our timeout errors name the subject instead).
 */
function connectionOptions(options: NatsConnectionOptions): ConnectionOptions {
  return {
    servers: options.servers,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    noAsyncTraces: true,
  };
}

/** The NestJS NATS transport strategy for a service that answers requests, and stops without dropping one. */
export function natsServer(options: NatsServerOptions): ServerNats {
  return new DrainingNatsServer({ ...connectionOptions(options), queue: options.queue }, options.shutdownGraceMs ?? 10_000);
}

/** What Nest's NATS server answers a request with (one message: the response, or the error). */
interface ReplyPacket {
  readonly err?: unknown;
  readonly response?: unknown;
}

// Pure: a bundle that never calls over NATS (standalone) then does not load the nats package.
const codec = /* @__PURE__ */ JSONCodec<unknown>();

/**
 * Calls services over NATS in the packets Nest's NATS server reads (`{ pattern, data, id }`) and
 * answers (`{ response }` or `{ err }`). Requests share the connection's one reply subscription
 * (Nest's own client subscribes and unsubscribes a reply subject for every request, which costs
 * the NATS server two more operations per call).
 */
export class NatsRpcClient implements RpcClient {
  private connecting?: Promise<ReplyInbox>;
  private inbox?: ReplyInbox;

  constructor(
    private readonly options: NatsConnectionOptions,
    private readonly timeoutMs = 30_000,
  ) {}

  async connect(): Promise<void> {
    await this.replies();
  }

  /** One connection and reply inbox for every call, made by the first that needs it (again after a failed attempt). */
  private replies(): Promise<ReplyInbox> {
    this.connecting ??= connect(connectionOptions(this.options)).then(
      (connection) => (this.inbox = new ReplyInbox(connection)),
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  async call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res> {
    const inbox = this.inbox ?? (await this.replies());
    const packet = { pattern: contract.subject, data: withCallContext(request), id: randomUUID() };
    let reply: ReplyPacket;
    try {
      const message = await inbox.ask(contract.subject, codec.encode(packet), this.timeoutMs);
      reply = codec.decode(message.data) as ReplyPacket;
    } catch (error) {
      throw failureOf(contract.subject, error, this.timeoutMs);
    }
    if (reply.err !== undefined && reply.err !== null) throw toRemoteError(reply.err);
    return reply.response as Res;
  }

  async close(): Promise<void> {
    const inbox = await this.connecting;
    inbox?.close();
    await inbox?.connection.close();
  }
}

function failureOf(subject: string, error: unknown, timeoutMs: number): RemoteError {
  if (error instanceof NatsError) return new RemoteError({ code: MessagingErrorCode.Unavailable, message: `${subject} could not be sent: ${error.message}` });
  if (!(error instanceof UnansweredError)) return toRemoteError(error);
  switch (error.reason) {
    case 'timeout':
      return new RemoteError({ code: MessagingErrorCode.Timeout, message: `${subject} timed out after ${timeoutMs} ms` });
    case 'no-responders':
      return new RemoteError({ code: MessagingErrorCode.Unavailable, message: `no service answers ${subject}` });
    case 'closed':
      return new RemoteError({ code: MessagingErrorCode.Unavailable, message: `the connection closed before ${subject} was answered` });
  }
}
