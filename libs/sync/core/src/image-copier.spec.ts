import type { ByteRange, OpenBlob } from '@swr/blob-store';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { ImageCopier } from './image-copier';
import type { RemoteRegistries, RemoteRepository, RemoteUpload, SourceImages, SourceManifest, SyncStore } from './ports';

const sha = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** This region: manifests and blobs by digest, tags by name, referrers by subject. */
class Source implements SourceImages {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, SourceManifest>();
  readonly tags = new Map<string, string>();
  readonly referrersOf = new Map<string, string[]>();
  /** Blobs the store holds that this repository does not link (another tenant's). */
  readonly unlinked = new Set<string>();

  blob(data: string) {
    const bytes = Buffer.from(data);
    this.blobs.set(sha(bytes), bytes);
    return { digest: sha(bytes), size: bytes.length, mediaType: 'application/octet-stream' };
  }

  manifest(_repository: string, reference: string) {
    return Promise.resolve(this.manifests.get(this.tags.get(reference) ?? reference));
  }

  add(json: object, mediaType: string, tag?: string, subject?: string): string {
    const content = Buffer.from(JSON.stringify(json));
    const digest = sha(content);
    this.manifests.set(digest, { digest, mediaType, content });
    if (tag) this.tags.set(tag, digest);
    if (subject) this.referrersOf.set(subject, [...(this.referrersOf.get(subject) ?? []), digest]);
    return digest;
  }

  referrers(_repository: string, digest: string) {
    return Promise.resolve((this.referrersOf.get(digest) ?? []).map((d) => ({ digest: d, mediaType: this.manifests.get(d)!.mediaType })));
  }

  async linkedBlobSize(_repository: string, digest: string) {
    return this.unlinked.has(digest) ? undefined : this.blobs.get(digest)?.length;
  }

  openBlob(digest: string, range?: ByteRange): Promise<OpenBlob> {
    const bytes = this.blobs.get(digest)!;
    const part = range ? bytes.subarray(range.start, range.end + 1) : bytes;
    return Promise.resolve({ sendTo: async (w: Writable) => void w.end(part) });
  }
}

/** Another region's repository, in memory, that can be told to break a chunk. */
class Remote implements RemoteRepository {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, Buffer>();
  readonly uploads = new Map<string, Buffer>();
  readonly mounted: string[] = [];
  sentBytes = 0;
  failChunkAt?: number;

  async manifestDigest(reference: string) {
    const m = this.manifests.get(reference);
    return m && sha(m);
  }
  async hasBlob(digest: string) {
    return this.blobs.has(digest);
  }
  async mountBlob(digest: string, from: string) {
    this.mounted.push(`${from}@${digest}`);
    return from === 'acme/other' && otherRepository.has(digest) ? (this.blobs.set(digest, otherRepository.get(digest)!), true) : false;
  }
  async startUpload(): Promise<RemoteUpload> {
    const location = `/u/${this.uploads.size}`;
    this.uploads.set(location, Buffer.alloc(0));
    return { location };
  }
  async uploadOffset(upload: RemoteUpload) {
    return this.uploads.get(upload.location)?.length;
  }
  private async receive(blob: OpenBlob): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await blob.sendTo(new Writable({ write: (c: Buffer, _e, done) => void (chunks.push(c), done()) }));
    const data = Buffer.concat(chunks);
    this.sentBytes += data.length;
    return data;
  }
  async sendChunk(upload: RemoteUpload, open: () => Promise<OpenBlob>, range: ByteRange) {
    const data = await this.receive(await open());
    if (this.failChunkAt === range.start) {
      this.failChunkAt = undefined;
      throw new Error('connection reset');
    }
    this.uploads.set(upload.location, Buffer.concat([this.uploads.get(upload.location)!, data]));
    return upload;
  }
  async sendWhole(_upload: RemoteUpload, open: () => Promise<OpenBlob>, _size: number, digest: string) {
    this.blobs.set(digest, await this.receive(await open()));
  }
  async finishUpload(upload: RemoteUpload, digest: string) {
    const data = this.uploads.get(upload.location)!;
    if (sha(data) !== digest) throw new Error('digest mismatch');
    this.blobs.set(digest, data);
  }
  async putManifest(reference: string, _mediaType: string, content: Buffer) {
    this.manifests.set(reference, content);
    this.manifests.set(sha(content), content);
  }
}

const otherRepository = new Map<string, Buffer>();

function memoryStore() {
  const uploads = new Map<string, RemoteUpload>();
  const holders = new Map<string, string>();
  const store: Pick<SyncStore, 'findUpload' | 'saveUpload' | 'dropUpload' | 'blobHolder' | 'rememberBlobs'> = {
    findUpload: async (key) => uploads.get(key),
    saveUpload: async (key, upload) => void uploads.set(key, upload),
    dropUpload: async (key) => void uploads.delete(key),
    blobHolder: async (_region, _account, digest) => holders.get(digest),
    rememberBlobs: async (_region, _account, repository, digests) => digests.forEach((d) => holders.set(d, repository)),
  };
  return { store, uploads, holders };
}

const request = { jobId: 7, repository: 'acme/app', tag: 'v1', override: false, accountName: 'acme', regionId: 'region-2', baseUrl: 'http://r2', targetRepository: 'acme2/app' };

function setUp() {
  const source = new Source();
  const remote = new Remote();
  const remotes: RemoteRegistries = { open: () => remote };
  const memory = memoryStore();
  const copier = new ImageCopier(source, remotes, memory.store, { chunkBytes: 10, parallelBlobs: 2 });
  return { source, remote, copier, memory };
}

function image(source: Source, tag: string, layer: string) {
  const config = source.blob(`{"config":"${tag}"}`);
  const layerRef = source.blob(layer);
  const digest = source.add({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layerRef] }, 'application/vnd.oci.image.manifest.v1+json', tag);
  return { digest, config, layer: layerRef };
}

const never = new AbortController().signal;

describe('ImageCopier', () => {
  beforeEach(() => otherRepository.clear());

  it('copies every platform of an index, its blobs and the referrers, byte for byte', async () => {
    const { source, remote, copier } = setUp();
    const amd = image(source, 'amd', 'amd64 layer, long enough for chunks');
    const arm = image(source, 'arm', 'arm64');
    const index = source.add(
      { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [amd, arm].map((m) => ({ digest: m.digest, size: 1, mediaType: 'application/vnd.oci.image.manifest.v1+json' })) },
      'application/vnd.oci.image.index.v1+json',
      'v1',
    );
    const sbom = source.blob('sbom');
    const signature = source.add({ schemaVersion: 2, artifactType: 'application/spdx', config: source.blob('{}'), layers: [sbom], subject: { digest: index } }, 'application/vnd.oci.image.manifest.v1+json', undefined, index);

    const progress: Array<[number, number]> = [];
    const outcome = await copier.copy(request, never, (c, t) => progress.push([c, t]));

    expect(outcome.status).toBe('success');
    expect(await remote.manifestDigest('v1')).toBe(index);
    for (const digest of [amd.digest, arm.digest, signature]) expect(remote.manifests.has(digest)).toBe(true);
    for (const blob of [amd.layer, arm.layer, amd.config, sbom]) expect(remote.blobs.get(blob.digest)).toEqual(source.blobs.get(blob.digest));
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
  });

  it('skips the blobs the remote has and mounts those another repository of the account there holds', async () => {
    const { source, remote, copier, memory } = setUp();
    const { layer, config } = image(source, 'v1', 'shared layer bytes');
    remote.blobs.set(config.digest, source.blobs.get(config.digest)!);
    otherRepository.set(layer.digest, source.blobs.get(layer.digest)!);
    memory.holders.set(layer.digest, 'acme/other');

    expect((await copier.copy(request, never, () => undefined)).status).toBe('success');
    expect(remote.sentBytes).toBe(0);
    expect(remote.mounted).toEqual([`acme/other@${layer.digest}`]);
  });

  it('leaves another image under the tag alone unless override is on', async () => {
    const { source, remote, copier } = setUp();
    const { digest } = image(source, 'v1', 'new');
    await remote.putManifest('v1', 'application/vnd.oci.image.manifest.v1+json', Buffer.from('{"other":true}'));

    const kept = await copier.copy(request, never, () => undefined);
    expect(kept.status).toBe('existed');
    expect(await remote.manifestDigest('v1')).not.toBe(digest);

    expect((await copier.copy({ ...request, override: true }, never, () => undefined)).status).toBe('success');
    expect(await remote.manifestDigest('v1')).toBe(digest);
  });

  it('resumes a large blob from the offset the remote holds after a failed chunk', async () => {
    const { source, remote, copier, memory } = setUp();
    const layerBytes = 'x'.repeat(45);
    const { layer } = image(source, 'v1', layerBytes);
    remote.failChunkAt = 30;

    await expect(copier.copy(request, never, () => undefined)).rejects.toThrow('connection reset');
    expect(memory.uploads.size).toBe(1);
    const sentBefore = remote.sentBytes;

    expect((await copier.copy(request, never, () => undefined)).status).toBe('success');
    // Only the chunk that failed and the rest: 30 bytes were not sent again.
    expect(remote.sentBytes - sentBefore).toBe(45 - 30);
    expect(remote.blobs.get(layer.digest)?.toString()).toBe(layerBytes);
    expect(memory.uploads.size).toBe(0);
  });

  it('refuses a manifest that names a blob its repository does not link, sending none of it', async () => {
    const { source, remote, copier } = setUp();
    const { layer } = image(source, 'v1', "another account's private layer");
    source.unlinked.add(layer.digest);
    await expect(copier.copy(request, never, () => undefined)).rejects.toThrow(`blob ${layer.digest} named by manifest`);
    expect(remote.blobs.has(layer.digest)).toBe(false);
  });

  it('pushes an index inside an index after its children', async () => {
    const { source, remote, copier } = setUp();
    const amd = image(source, 'amd', 'amd64');
    const inner = source.add({ schemaVersion: 2, manifests: [{ digest: amd.digest, size: 1 }] }, 'application/vnd.oci.image.index.v1+json');
    const outer = source.add({ schemaVersion: 2, manifests: [{ digest: inner, size: 1 }] }, 'application/vnd.oci.image.index.v1+json', 'v1');
    const order: string[] = [];
    const put = remote.putManifest.bind(remote);
    remote.putManifest = async (reference, mediaType, content) => void (order.push(reference), await put(reference, mediaType, content));
    expect((await copier.copy(request, never, () => undefined)).status).toBe('success');
    expect(order).toEqual([amd.digest, inner, 'v1']);
    expect(await remote.manifestDigest('v1')).toBe(outer);
  });

  it('refuses a tag that is no longer in the repository', async () => {
    const { copier } = setUp();
    await expect(copier.copy(request, never, () => undefined)).rejects.toThrow(/no longer in acme\/app/);
  });
});
