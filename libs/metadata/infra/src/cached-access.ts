import type { DataSource, EntityManager } from 'typeorm';
import { CHANGE_CHANNEL, notifyRepositoryChanged } from './change-feed';
import type { RepositoryReadCache } from './read-cache';

/**
 * The two disciplines every cached store follows: reads go through the cache with the
 * generation guard; writes that can invalidate a cached read notify in their transaction and
 * evict locally once committed.
 */
export class CachedAccess {
  constructor(
    readonly db: DataSource,
    private readonly cache: RepositoryReadCache,
  ) {}

  async read<T>(repository: string, key: string, load: () => Promise<T | undefined>, cacheable: (value: T) => boolean = () => true): Promise<T | undefined> {
    const cached = this.cache.get<T>(repository, key);
    if (cached !== undefined) return cached;
    const generation = this.cache.generation(repository);
    const value = await load();
    if (value !== undefined && cacheable(value)) this.cache.set(repository, key, value, generation);
    return value;
  }

  async write<T>(repository: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(async (tx) => {
      const value = await work(tx);
      await notifyRepositoryChanged(tx, repository);
      return value;
    });
    this.cache.evict(repository);
    return result;
  }

  /**
   * A write made in one statement, which notifies its own change: it selects `changeNotice(...)`
   * whenever it changed anything. The local eviction follows, as for `write`.
   */
  async writeAtOnce<T>(repository: string, work: (db: DataSource) => Promise<T>): Promise<T> {
    const result = await work(this.db);
    this.cache.evict(repository);
    return result;
  }

  /** A write whose repositories are known only once it has run: `work` answers them with its value. */
  async writeAcross<T>(work: (tx: EntityManager) => Promise<{ value: T; repositories: readonly string[] }>): Promise<T> {
    const { value, repositories } = await this.db.transaction(async (tx) => {
      const done = await work(tx);
      if (done.repositories.length) await tx.query('SELECT pg_notify($1, r) FROM unnest($2::text[]) r', [CHANGE_CHANNEL, [...new Set(done.repositories)]]);
      return done;
    });
    for (const repository of new Set(repositories)) this.cache.evict(repository);
    return value;
  }
}
