import { RepositoryReadCache } from './read-cache';

describe('RepositoryReadCache', () => {
  let cache: RepositoryReadCache;
  beforeEach(() => {
    cache = new RepositoryReadCache(3);
    cache.enable();
  });

  it('serves what was stored under the current generation', () => {
    cache.set('a/b', 'tag:v1', 'digest-1', cache.generation('a/b'));
    expect(cache.get('a/b', 'tag:v1')).toBe('digest-1');
    expect(cache.get('a/c', 'tag:v1')).toBeUndefined();
  });

  it('forgets a repository on eviction and leaves the others', () => {
    cache.set('a/b', 'tag:v1', 'x', cache.generation('a/b'));
    cache.set('a/c', 'tag:v1', 'y', cache.generation('a/c'));
    cache.evict('a/b');
    expect(cache.get('a/b', 'tag:v1')).toBeUndefined();
    expect(cache.get('a/c', 'tag:v1')).toBe('y');
  });

  it('refuses a value read before an eviction that happened during the read', () => {
    const before = cache.generation('a/b');
    cache.evict('a/b');
    cache.set('a/b', 'tag:v1', 'stale', before);
    expect(cache.get('a/b', 'tag:v1')).toBeUndefined();
  });

  it('caches nothing while disabled, and nothing read before it was disabled', () => {
    const before = cache.generation('a/b');
    cache.disable();
    cache.set('a/b', 'tag:v1', 'x', cache.generation('a/b'));
    expect(cache.get('a/b', 'tag:v1')).toBeUndefined();
    cache.enable();
    cache.set('a/b', 'tag:v1', 'stale', before);
    expect(cache.get('a/b', 'tag:v1')).toBeUndefined();
  });

  it('drops the least recently used entry beyond its size', () => {
    for (const key of ['k1', 'k2', 'k3']) cache.set('a/b', key, key, cache.generation('a/b'));
    cache.get('a/b', 'k1');
    cache.set('a/b', 'k4', 'k4', cache.generation('a/b'));
    expect(cache.get('a/b', 'k2')).toBeUndefined();
    expect(['k1', 'k3', 'k4'].map((k) => cache.get('a/b', k))).toEqual(['k1', 'k3', 'k4']);
  });
});
