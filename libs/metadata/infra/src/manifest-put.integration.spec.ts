import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { UNLIMITED } from '@swr/metadata-core';
import { digestOf, parseRepositoryName } from '@swr/oci';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { CachedAccess } from './cached-access';
import { METADATA_MIGRATIONS, METADATA_SCHEMA } from './migrations';
import { PostgresManifestIndex } from './postgres-manifest-index';
import { PostgresUploadSessions } from './postgres-upload-sessions';
import { RepositoryReadCache } from './read-cache';

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

describe('manifest pushes against PostgreSQL', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  let sessions: PostgresUploadSessions;
  let manifests: PostgresManifestIndex;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-manifest-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: 20 });
    sessions = new PostgresUploadSessions(db, UNLIMITED);
    manifests = new PostgresManifestIndex(new CachedAccess(db, new RepositoryReadCache()), UNLIMITED);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A blob recorded as the gateway records one once its bytes are stored; its digest and size. */
  async function pushBlob(repository: string): Promise<{ digest: string; size: number }> {
    const content = randomBytes(100 + Math.floor(Math.random() * 100));
    const digest = digestOf(content);
    const session = await sessions.create(parseRepositoryName(repository), randomUUID(), 'sha256', 'acct-manifests');
    await sessions.hold(repository, session.id, digest);
    await sessions.complete(repository, session.id, digest, content.length);
    return { digest, size: content.length };
  }

  function manifestOf(blobs: string[]): { digest: string; content: Buffer } {
    const content = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_TYPE, nonce: randomUUID(), layers: blobs }));
    return { digest: digestOf(content), content };
  }

  const put = (repository: string, manifest: { digest: string; content: Buffer }, tags: string[], blobs: string[]) =>
    manifests.put({ repository: parseRepositoryName(repository), account: 'acct-manifests', digest: manifest.digest, mediaType: MANIFEST_TYPE, content: manifest.content, tags, blobs, manifests: [] });

  const tagCount = async (repository: string) => (await db.query('SELECT tag_count FROM metadata.repository WHERE name = $1', [repository]))[0].tag_count as number;
  const tagged = async (repository: string, tag: string) => {
    const lookup = await manifests.findByTag(repository, tag, false);
    return lookup.repository ? lookup.manifest?.digest : undefined;
  };
  const pushedEvents = async (digest: string) =>
    ((await db.query("SELECT payload FROM metadata.outbox WHERE subject = 'swr.events.image.pushed'")) as Array<{ payload: string }>)
      .map((row) => JSON.parse(row.payload) as { resource: { name: string }; data: { digest: string; size: number; tag?: string } })
      .filter((event) => event.data.digest === digest);

  it('tags, counts and announces an image once per tag, with its size counted from its blobs', async () => {
    const layers = [await pushBlob('sized/app'), await pushBlob('sized/app')];
    const image = manifestOf(layers.map((l) => l.digest));
    expect(await put('sized/app', image, ['v1', 'latest'], layers.map((l) => l.digest))).toBeUndefined();

    expect(await tagged('sized/app', 'v1')).toBe(image.digest);
    expect(await tagged('sized/app', 'latest')).toBe(image.digest);
    expect(await tagCount('sized/app')).toBe(2);
    const events = await pushedEvents(image.digest);
    expect(events.map((e) => e.data.tag).sort()).toEqual(['latest', 'v1']);
    expect(events.map((e) => e.data.size)).toEqual([1, 1].map(() => image.content.length + layers[0].size + layers[1].size));
    expect(events.map((e) => e.resource.name).sort()).toEqual(['sized/app:latest', 'sized/app:v1']);
  });

  it('counts a tag once, whether it is new, moved to another image, or pushed again', async () => {
    const layer = await pushBlob('retag/app');
    const first = manifestOf([layer.digest]);
    const second = manifestOf([layer.digest]);
    await put('retag/app', first, ['a', 'b'], [layer.digest]);
    await put('retag/app', first, ['b', 'c'], [layer.digest]);
    await put('retag/app', second, ['a'], [layer.digest]);

    expect(await tagCount('retag/app')).toBe(3);
    expect(await tagged('retag/app', 'a')).toBe(second.digest);
    expect(await tagged('retag/app', 'c')).toBe(first.digest);
    expect(await db.query('SELECT 1 FROM metadata.manifest m JOIN metadata.repository r ON r.id = m.repository_id WHERE r.name = $1', ['retag/app'])).toHaveLength(2);
  });

  it('refuses an image whose blob the repository lacks, and records nothing of it', async () => {
    const layer = await pushBlob('lacking/app');
    const absent = digestOf(randomBytes(50));
    const image = manifestOf([layer.digest, absent]);
    expect(await put('lacking/app', image, ['v1'], [layer.digest, absent])).toEqual({ blobs: [absent], manifests: [] });

    expect(await tagged('lacking/app', 'v1')).toBeUndefined();
    expect(await tagCount('lacking/app')).toBe(0);
    expect(await pushedEvents(image.digest)).toEqual([]);
  });

  it('stores an image pushed by many clients at once under the same tags once, with each tag counted once', async () => {
    const layer = await pushBlob('crowd/app');
    const image = manifestOf([layer.digest]);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => put('crowd/app', image, ['v1', 'stable'], [layer.digest])));

    expect(outcomes).toEqual(Array.from({ length: 8 }, () => undefined));
    expect(await tagCount('crowd/app')).toBe(2);
    expect(await tagged('crowd/app', 'stable')).toBe(image.digest);
    expect(await db.query('SELECT 1 FROM metadata.manifest m JOIN metadata.repository r ON r.id = m.repository_id WHERE r.name = $1', ['crowd/app'])).toHaveLength(1);
  });
});
