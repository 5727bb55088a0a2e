import { Client } from 'pg';

export interface PostgresListenerOptions {
  readonly url: string;
  readonly channel: string;
  /** A notification on the channel, with its payload ('' when it has none). */
  readonly onNotification: (payload: string) => void;
  /** Listening again after a (re)connect: what was sent while the connection was down is lost. */
  readonly onListening?: () => void;
  /** The connection dropped; notifications are lost until `onListening` says it is back. */
  readonly onLost?: (reason: string) => void;
}

/**
 * LISTENs on one channel over a dedicated connection, reconnecting with backoff (100 ms doubling
 * to 5 s) whenever the connection drops, until stopped.
 */
export class PostgresListener {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PostgresListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`invalid channel name ${options.channel}`);
  }

  /** Resolves once listening, or once the first attempt failed (retries go on in the background). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect(0).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(attempt: number): Promise<void> {
    const client = new Client({ connectionString: this.options.url });
    const lost = (reason: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.options.onLost?.(reason);
      this.scheduleReconnect(attempt + 1);
    };
    try {
      this.client = client;
      client.on('error', (error) => lost(error.message));
      client.on('end', () => lost('connection ended'));
      client.on('notification', (message) => {
        // One still buffered on a connection already given up is not news from a live listener.
        if (this.client === client) this.options.onNotification(message.payload ?? '');
      });
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
      attempt = 0;
      if (this.client === client) this.options.onListening?.();
    } catch (error) {
      lost((error as Error).message);
      throw error;
    }
  }

  private scheduleReconnect(attempt: number): void {
    const delay = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
    this.retryTimer = setTimeout(() => void this.connect(attempt).catch(() => undefined), delay);
  }
}
