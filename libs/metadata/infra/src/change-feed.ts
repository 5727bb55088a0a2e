import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { RepositoryReadCache } from './read-cache';

export const CHANGE_CHANNEL = 'swr_metadata_changes';

/** Tells every replica, when the transaction commits, that a repository's cached reads are stale. */
export async function notifyRepositoryChanged(tx: EntityManager, repository: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, repository]);
}

/**
 * Listens for repository changes on a dedicated connection and evicts them from the cache. The
 * cache runs only while this connection is listening; after a drop it reconnects with backoff.
 */
export class PostgresChangeFeed {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly cache: RepositoryReadCache,
    private readonly log: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect(0).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.cache.disable();
    await this.client?.end().catch(() => undefined);
  }

  private async connect(attempt: number): Promise<void> {
    const client = new Client({ connectionString: this.url });
    const lost = (reason: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.cache.disable();
      client.end().catch(() => undefined);
      if (!this.stopped) {
        this.log(`change feed lost (${reason}); read cache off until it reconnects`);
        this.scheduleReconnect(attempt + 1);
      }
    };
    try {
      this.client = client;
      client.on('error', (error) => lost(error.message));
      client.on('end', () => lost('connection ended'));
      client.on('notification', (message) => {
        if (message.payload) this.cache.evict(message.payload);
      });
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      attempt = 0;
      this.cache.enable();
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
