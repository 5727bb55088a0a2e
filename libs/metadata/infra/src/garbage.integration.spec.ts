import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { DEFAULT_GARBAGE_SETTINGS, GarbageCollector, GarbageSettings, MetadataError, UNLIMITED } from '@swr/metadata-core';
import { digestOf, parseRepositoryName } from '@swr/oci';
import { FilesystemBlobStore } from '@swr/storage';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { CachedAccess } from './cached-access';
import { METADATA_MIGRATIONS, METADATA_SCHEMA } from './migrations';
import { PostgresGarbageIndex } from './postgres-garbage-index';
import { PostgresManifestIndex } from './postgres-manifest-index';
import { PostgresRepositoryCatalog } from './postgres-repository-catalog';
import { PostgresUploadSessions } from './postgres-upload-sessions';
import { RepositoryReadCache } from './read-cache';

const ACCOUNT = 'acct-gc';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

describe('online garbage collection against PostgreSQL and the filesystem store', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  let store: FilesystemBlobStore;
  let access: CachedAccess;
  let sessions: PostgresUploadSessions;
  let manifests: PostgresManifestIndex;
  let catalog: PostgresRepositoryCatalog;
  /** The collector's clock, moved past every grace period by `later`. */
  let clock: number;
  const settings: GarbageSettings = { ...DEFAULT_GARBAGE_SETTINGS, graceMs: 60_000, uploadTtlMs: 120_000, batchSize: 3 };
  const collector = () => new GarbageCollector(new PostgresGarbageIndex(access), store, () => new Date(clock));
  const later = (ms: number) => (clock = Date.now() + ms);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-gc-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    db = await openDatabase({ url: postgres.url, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: 20 });
    store = new FilesystemBlobStore(join(dir, 'blobs'), { fsync: false });
    access = new CachedAccess(db, new RepositoryReadCache());
    sessions = new PostgresUploadSessions(db, UNLIMITED);
    manifests = new PostgresManifestIndex(access, UNLIMITED);
    catalog = new PostgresRepositoryCatalog(access, UNLIMITED);
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A blob pushed as the gateway pushes one: session, part, hold, commit, link. */
  async function pushBlob(repository: string, content: Buffer = randomBytes(100 + Math.floor(Math.random() * 100))): Promise<string> {
    const digest = digestOf(content);
    const session = await sessions.create(parseRepositoryName(repository), randomUUID(), 'sha256', ACCOUNT);
    const part = await store.writePart(session.id, Readable.from([content]));
    await sessions.hold(repository, session.id, digest);
    await store.commitUpload(session.id, [part], digest);
    await sessions.complete(repository, session.id, digest, content.length);
    return digest;
  }

  async function pushManifest(repository: string, body: object, tags: string[], refs: { blobs?: string[]; manifests?: string[]; subject?: string } = {}): Promise<string> {
    const content = Buffer.from(JSON.stringify(body));
    const digest = digestOf(content);
    const mediaType = (body as { mediaType: string }).mediaType;
    const missing = await manifests.put({
      repository: parseRepositoryName(repository),
      account: ACCOUNT,
      digest,
      mediaType,
      content,
      tags,
      blobs: refs.blobs ?? [],
      manifests: refs.manifests ?? [],
      subject: refs.subject ? { mediaType: MANIFEST_TYPE, digest: refs.subject, size: 1 } : undefined,
    });
    if (missing) throw new Error(`missing references: ${JSON.stringify(missing)}`);
    return digest;
  }

  async function pushImage(repository: string, tags: string[], shared: string[] = []): Promise<{ digest: string; blobs: string[] }> {
    const blobs = [await pushBlob(repository), ...shared];
    const digest = await pushManifest(repository, { schemaVersion: 2, mediaType: MANIFEST_TYPE, nonce: randomUUID(), layers: blobs }, tags, { blobs });
    return { digest, blobs };
  }

  const stored = async (digest: string) => (await store.stat(digest)) !== undefined;
  const usage = async () => Number((await db.query('SELECT bytes FROM metadata.account_usage WHERE account_id = $1', [ACCOUNT]))[0]?.bytes ?? 0);

  it('frees the blobs of a deleted repository once the grace period has passed, and not before', async () => {
    const image = await pushImage('gc/deleted', ['v1']);
    const kept = await pushImage('gc/kept', ['v1']);
    await catalog.delete('gc/deleted');

    clock = Date.now();
    expect((await collector().collect(settings)).blobsDeleted).toBe(0);
    expect(await stored(image.blobs[0])).toBe(true);

    const counts = await collector().collect({ ...settings, graceMs: 0 });
    expect(counts.blobsDeleted).toBeGreaterThanOrEqual(1);
    expect(await stored(image.blobs[0])).toBe(false);
    expect(await stored(kept.blobs[0])).toBe(true);
    expect(await manifests.findByTag('gc/kept', 'v1', false)).toMatchObject({ manifest: { digest: kept.digest } });
  });

  it('collects untagged manifests with their referrers and then their blobs, but keeps what a tag or an index reaches', async () => {
    const shared = await pushBlob('gc/images');
    const untagged = await pushImage('gc/images', ['old'], [shared]);
    const tagged = await pushImage('gc/images', ['current'], [shared]);
    const signature = await pushManifest('gc/images', { schemaVersion: 2, mediaType: MANIFEST_TYPE, nonce: randomUUID() }, [], { subject: untagged.digest });
    const liveSignature = await pushManifest('gc/images', { schemaVersion: 2, mediaType: MANIFEST_TYPE, nonce: randomUUID() }, [], { subject: tagged.digest });
    const child = await pushImage('gc/images', []);
    const index = await pushManifest('gc/images', { schemaVersion: 2, mediaType: INDEX_TYPE, manifests: [child.digest] }, ['multi'], { manifests: [child.digest] });
    await manifests.deleteTag('gc/images', 'old');
    const before = await usage();

    later(61_000);
    const counts = await collector().collect(settings);
    expect(counts).toMatchObject({ manifestsDeleted: 2, linksRemoved: 1, blobsDeleted: 1 });
    for (const gone of [untagged.digest, signature]) expect(await manifests.findByDigest('gc/images', gone, false)).toEqual({ repository: true });
    for (const kept of [tagged.digest, liveSignature, child.digest, index]) expect(await manifests.findByDigest('gc/images', kept, false)).toMatchObject({ manifest: { digest: kept } });
    expect(await stored(untagged.blobs[0])).toBe(false);
    for (const kept of [shared, tagged.blobs[0], child.blobs[0]]) expect(await stored(kept)).toBe(true);
    expect(await usage()).toBe(before - counts.bytesFreed);
  });

  it('ends abandoned uploads with their parts, and leaves a blob alone while a session holds it', async () => {
    const abandoned = await sessions.create(parseRepositoryName('gc/uploads'), randomUUID(), 'sha256', ACCOUNT);
    const abandonedPart = await store.writePart(abandoned.id, Readable.from([randomBytes(50)]));
    const digest = await pushBlob('gc/uploads');
    await catalog.delete('gc/uploads');
    // Another push of the same bytes is about to commit them: its session holds the digest.
    const pushing = await sessions.create(parseRepositoryName('gc/uploads-again'), randomUUID(), 'sha256', ACCOUNT);
    await sessions.hold('gc/uploads-again', pushing.id, digest);

    later(1_000);
    const counts = await collector().collect({ ...settings, graceMs: 0 });
    expect(counts.uploadsRemoved).toBeGreaterThanOrEqual(1);
    await expect(store.readPart(abandoned.id, abandonedPart.id)).rejects.toThrow();
    expect(await stored(digest)).toBe(true);

    await sessions.remove('gc/uploads-again', pushing.id);
    later(2_000);
    await collector().collect({ ...settings, graceMs: 0 });
    expect(await stored(digest)).toBe(false);
  });

  it('removes a blob that a push committed and the storage quota then refused', async () => {
    const limited = new PostgresUploadSessions(db, { repositories: -1, bytes: 10 });
    const content = randomBytes(500);
    const digest = digestOf(content);
    const session = await limited.create(parseRepositoryName('gc/quota'), randomUUID(), 'sha256', 'acct-small');
    const part = await store.writePart(session.id, Readable.from([content]));
    await limited.hold('gc/quota', session.id, digest);
    await store.commitUpload(session.id, [part], digest);
    await expect(limited.complete('gc/quota', session.id, digest, content.length)).rejects.toBeInstanceOf(MetadataError);
    await limited.remove('gc/quota', session.id);

    later(1_000);
    await collector().collect({ ...settings, graceMs: 0 });
    expect(await stored(digest)).toBe(false);
  });

  it('passes over a link that a manifest push holds, and never deletes a blob twice when two collectors run at once', async () => {
    const blobs = await Promise.all(Array.from({ length: 12 }, () => pushBlob('gc/race')));
    // A manifest push in progress holds its links FOR SHARE until it commits.
    const runner = db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT 1 FROM metadata.repository_blob rb JOIN metadata.repository r ON r.id = rb.repository_id WHERE r.name = $1 AND rb.digest = $2 FOR SHARE OF rb', [
      'gc/race',
      blobs[0],
    ]);
    const blobRows = async () => Number((await db.query('SELECT count(*) AS n FROM metadata.blob'))[0].n);
    try {
      const before = await blobRows();
      later(1_000);
      const runs = await Promise.all([collector().collect({ ...settings, graceMs: 0 }), collector().collect({ ...settings, graceMs: 0 })]);
      expect(runs[0].blobsDeleted + runs[1].blobsDeleted).toBe(before - (await blobRows()));
      expect(await stored(blobs[0])).toBe(true);
      for (const gone of blobs.slice(1)) expect(await stored(gone)).toBe(false);
    } finally {
      await runner.commitTransaction();
      await runner.release();
    }
  });

  it('answers what a collection would remove without removing it (dry run)', async () => {
    const image = await pushImage('gc/dry', ['v1']);
    await manifests.deleteTag('gc/dry', 'v1');
    later(61_000);
    const would = await collector().dryRun(settings);
    expect(would.manifestsDeleted).toBeGreaterThanOrEqual(1);
    expect(await manifests.findByDigest('gc/dry', image.digest, false)).toMatchObject({ manifest: { digest: image.digest } });
    expect(await stored(image.blobs[0])).toBe(true);
  });
});
