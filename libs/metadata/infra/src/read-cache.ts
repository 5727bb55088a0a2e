/**
 * Positive results of hot lookups (manifests by tag and digest, blob links), per repository.
 *
 * Coherence across metadata replicas: every write that could make an entry wrong notifies its
 * repository (Postgres NOTIFY, in the writer's transaction) and each replica evicts on notice; the
 * writer also evicts locally once it has committed. A reader records the repository's generation
 * before it queries and stores its result only if no eviction happened meanwhile, so a slow read
 * can never re-insert what a write replaced. While the notice channel is down the cache is off.
 */
export class RepositoryReadCache {
  private enabled = false;
  private epoch = 0;
  private readonly entries = new Map<string, unknown>();
  private readonly keysByRepository = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly maxEntries = 50_000) {}

  /** Taken before a database read; hand it back to `set`. */
  generation(repository: string): string {
    return `${this.epoch}:${this.generations.get(repository) ?? 0}`;
  }

  get<T>(repository: string, key: string): T | undefined {
    if (!this.enabled) return undefined;
    const id = `${repository}\u0000${key}`;
    const value = this.entries.get(id);
    if (value === undefined) return undefined;
    // Re-inserting keeps the Map in least-recently-used order for eviction by size.
    this.entries.delete(id);
    this.entries.set(id, value);
    return value as T;
  }

  set(repository: string, key: string, value: unknown, generation: string): void {
    if (!this.enabled || generation !== this.generation(repository)) return;
    const id = `${repository}\u0000${key}`;
    this.entries.set(id, value);
    let keys = this.keysByRepository.get(repository);
    if (!keys) this.keysByRepository.set(repository, (keys = new Set()));
    keys.add(id);
    if (this.entries.size > this.maxEntries) this.dropOldest();
  }

  evict(repository: string): void {
    this.generations.set(repository, (this.generations.get(repository) ?? 0) + 1);
    for (const id of this.keysByRepository.get(repository) ?? []) this.entries.delete(id);
    this.keysByRepository.delete(repository);
  }

  /** Starts caching: only once notices are known to arrive. */
  enable(): void {
    this.clear();
    this.enabled = true;
  }

  /** Stops caching and forgets everything: notices may have been missed. */
  disable(): void {
    this.enabled = false;
    this.clear();
  }

  private clear(): void {
    this.epoch += 1;
    this.entries.clear();
    this.keysByRepository.clear();
    this.generations.clear();
  }

  private dropOldest(): void {
    const oldest = this.entries.keys().next().value as string;
    this.entries.delete(oldest);
    const repository = oldest.slice(0, oldest.indexOf('\u0000'));
    this.keysByRepository.get(repository)?.delete(oldest);
  }
}
