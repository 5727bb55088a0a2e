import { PostgresListener } from '@swr/db';
import type { EntityManager } from 'typeorm';
import type { RepositoryReadCache } from './read-cache';

export const CHANGE_CHANNEL = 'swr_metadata_changes';

/** Tells every replica, when the transaction commits, that a repository's cached reads are stale. */
export async function notifyRepositoryChanged(tx: EntityManager, repository: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, repository]);
}

/** The SQL that notifies, from within a statement, that the repository its parameter `$n` names changed. */
export const changeNotice = (parameter: number): string => `pg_notify('${CHANGE_CHANNEL}', $${parameter}::text)`;

/**
 * Listens for repository changes on a dedicated connection and evicts them from the cache. The
 * cache runs only while this connection is listening; after a drop it reconnects with backoff.
 */
export class PostgresChangeFeed {
  private readonly listener: PostgresListener;

  constructor(
    url: string,
    private readonly cache: RepositoryReadCache,
    log: (message: string) => void,
  ) {
    this.listener = new PostgresListener({
      url,
      channel: CHANGE_CHANNEL,
      onNotification: (repository) => {
        if (repository) cache.evict(repository);
      },
      onListening: () => cache.enable(),
      onLost: (reason) => {
        cache.disable();
        log(`change feed lost (${reason}); read cache off until it reconnects`);
      },
    });
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  async stop(): Promise<void> {
    this.cache.disable();
    await this.listener.stop();
  }
}
