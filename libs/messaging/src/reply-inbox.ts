import { createInbox, type Msg, type NatsConnection } from 'nats';

/** Why a request got no answer. */
export type Unanswered = 'timeout' | 'no-responders' | 'closed';

export class UnansweredError extends Error {
  constructor(readonly reason: Unanswered) {
    super(`no answer: ${reason}`);
  }
}

interface Waiting {
  readonly resolve: (message: Msg) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

interface Outgoing {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly reply: string;
}

/**
 * Request/reply over one subscription: each request's reply subject is the inbox plus a token.
 * Requests made in the same turn of the event loop are published together, so that a gateway
 * under load writes them to NATS in one socket write rather than one write per request.
 * (nats.js's own `request` also shares a subscription, but builds two errors with stack traces
 * for every request it answers.)
 */
export class ReplyInbox {
  private readonly prefix = createInbox();
  private readonly waiting = new Map<string, Waiting>();
  private outgoing: Outgoing[] = [];
  private next = 0;

  constructor(readonly connection: NatsConnection) {
    connection.subscribe(`${this.prefix}.*`, { callback: (_error, message) => this.settle(message) });
  }

  ask(subject: string, data: Uint8Array, timeoutMs: number): Promise<Msg> {
    const token = (this.next++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(token, 'timeout'), timeoutMs);
      this.waiting.set(token, { resolve, reject, timer });
      if (this.outgoing.length === 0) setImmediate(() => this.publish());
      this.outgoing.push({ subject, data, reply: `${this.prefix}.${token}` });
    });
  }

  /** Fails every request still waiting (the connection is going away). */
  close(): void {
    for (const token of [...this.waiting.keys()]) this.fail(token, 'closed');
  }

  private publish(): void {
    const outgoing = this.outgoing;
    this.outgoing = [];
    for (const { subject, data, reply } of outgoing) {
      try {
        this.connection.publish(subject, data, { reply });
      } catch (error) {
        // A closed connection, or a payload over the server's limit: the caller learns which.
        this.take(reply.slice(this.prefix.length + 1))?.reject(error);
      }
    }
  }

  private settle(message: Msg): void {
    const token = message.subject.slice(this.prefix.length + 1);
    // NATS answers a request nobody subscribes to with an empty 503 status message.
    if (message.data.length === 0 && message.headers?.code === 503) return this.fail(token, 'no-responders');
    this.take(token)?.resolve(message);
  }

  private fail(token: string, reason: Unanswered): void {
    this.take(token)?.reject(new UnansweredError(reason));
  }

  /** The request waiting for this token, no longer waiting. */
  private take(token: string): Waiting | undefined {
    const waiting = this.waiting.get(token);
    if (!waiting) return undefined;
    this.waiting.delete(token);
    clearTimeout(waiting.timer);
    return waiting;
  }
}
