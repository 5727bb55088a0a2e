import { ServerNats, type MessageHandler, type NatsContext } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from 'nats';

/** The packet Nest publishes last for a request: the end of its answer, or the refusal of a subject nobody handles. */
interface ResponsePacket {
  readonly isDisposed?: boolean;
  readonly status?: string;
}

interface Handling {
  readonly answered: Promise<void>;
  readonly finish: () => void;
}

/**
 * Nest's NATS server, stopping the way a replica should: on close it first drains its queue
 * subscriptions (NATS then sends the next requests to the other replicas, and what was already on
 * its way here is still taken), answers every request it holds for up to `graceMs`, and only then
 * disconnects. Nest's own graceful mode drops what is buffered and always waits its whole period.
 */
export class DrainingNatsServer extends ServerNats {
  private readonly drainable: Subscription[] = [];
  private readonly handling = new Map<Msg, Handling>();
  private connection?: NatsConnection;

  constructor(
    options: ConstructorParameters<typeof ServerNats>[0],
    private readonly graceMs: number,
  ) {
    super(options);
  }

  /**
   * Listening ends once the NATS server has the subscriptions, not when they are queued on the
   * socket: a request sent the moment `listen()` resolves is then routed here instead of being
   * answered "no responders".
   */
  override start(callback: (error?: unknown) => void): void {
    super.start((error?: unknown) => {
      if (error || !this.connection) return callback(error);
      this.connection.flush().then(() => callback(), callback);
    });
  }

  override bindEvents(client: NatsConnection): void {
    this.connection = client;
    const subscribe = client.subscribe.bind(client);
    // Keeps each subscription Nest makes, to drain it on close.
    client.subscribe = (subject, options) => {
      const subscription = subscribe(subject, options);
      this.drainable.push(subscription);
      return subscription;
    };
    try {
      super.bindEvents(client);
    } finally {
      client.subscribe = subscribe;
    }
  }

  override async handleMessage(channel: string, message: Msg): Promise<unknown> {
    let finish!: () => void;
    const answered = new Promise<void>((resolve) => (finish = resolve)).then(() => void this.handling.delete(message));
    this.handling.set(message, { answered, finish });
    try {
      const handled = await super.handleMessage(channel, message);
      // An event, or a request without a reply subject: nothing more will be published for it.
      if (!message.reply) finish();
      return handled;
    } catch (error) {
      finish();
      throw error;
    }
  }

  /** Our subjects are plain strings: look them up directly (Nest's lookup first parses each as JSON, and catches the throw). */
  override getHandlerByPattern(pattern: string): MessageHandler | null {
    return this.messageHandlers.get(pattern) ?? super.getHandlerByPattern(pattern);
  }

  override getPublisher(message: Msg, id: string, context: NatsContext): (response: ResponsePacket) => unknown {
    const publish = super.getPublisher(message, id, context);
    return (response) => {
      const sent = publish(response);
      if (response.isDisposed || response.status === 'error') this.handling.get(message)?.finish();
      return sent;
    };
  }

  override async close(): Promise<void> {
    await Promise.all(this.drainable.splice(0).map((subscription) => subscription.drain().catch(() => undefined)));
    let deadline: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => (deadline = setTimeout(resolve, this.graceMs)));
    await Promise.race([Promise.all([...this.handling.values()].map((each) => each.answered)), graceOver]);
    clearTimeout(deadline);
    await super.close();
  }
}
