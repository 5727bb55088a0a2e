import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ArchiveError, ArchiveImporter, ArchiveSink, DOCKER_CONFIG, DOCKER_LAYER, DOCKER_MANIFEST, StagedBlob, tagOf } from './archive-importer';
import { readTar } from './tar-reader';

/** A ustar archive, written here so the tests control the order of entries. */
function tar(entries: Array<{ name: string; content?: Buffer | string; type?: string; link?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const content = Buffer.from(e.content ?? '');
    const header = Buffer.alloc(512);
    header.write(e.name, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write('00000000000\0', 136);
    header.write('        ', 148);
    header.write(e.type ?? '0', 156);
    if (e.link) header.write(e.link, 157, 100, 'utf8');
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const sha = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

class FakeSink implements ArchiveSink {
  private next = 0;
  readonly uploads = new Map<string, Buffer>();
  readonly committed = new Map<string, Buffer>();
  readonly dropped: string[] = [];
  readonly manifests: Array<{ reference: string; mediaType: string; body: Buffer }> = [];

  async stage(body: Readable): Promise<StagedBlob> {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    const id = `u${this.next++}`;
    this.uploads.set(id, Buffer.concat(chunks));
    return { id };
  }
  async commit(staged: StagedBlob, digest: string): Promise<void> {
    const bytes = this.uploads.get(staged.id) as Buffer;
    expect(sha(bytes)).toBe(digest);
    this.committed.set(digest, bytes);
  }
  async drop(staged: StagedBlob): Promise<void> {
    this.dropped.push(staged.id);
  }
  async putManifest(reference: string, mediaType: string, body: Buffer): Promise<string> {
    this.manifests.push({ reference, mediaType, body });
    return sha(body);
  }
}

const layer = tar([{ name: 'hello.txt', content: 'hello world\n' }]);
const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layer)] } });
const configHex = sha(config).slice(7);

/** As docker 20.10 saves: `<id>/layer.tar`, `<id>.json`, manifest.json last. */
function oldDockerSave(): Buffer {
  return tar([
    { name: 'abc123/', type: '5' },
    { name: 'abc123/VERSION', content: '1.0' },
    { name: 'abc123/json', content: '{}' },
    { name: 'abc123/layer.tar', content: layer },
    { name: `${configHex}.json`, content: config },
    { name: 'repositories', content: '{}' },
    { name: 'manifest.json', content: JSON.stringify([{ Config: `${configHex}.json`, RepoTags: ['example/app:v1', 'localhost:5000/example/app:v2'], Layers: ['abc123/layer.tar'] }]) },
  ]);
}

async function run(archive: Buffer, limit = 1 << 30) {
  const sink = new FakeSink();
  const images = await new ArchiveImporter(sink, limit).import(Readable.from([archive.subarray(0, 700), archive.subarray(700)]));
  return { sink, images };
}

describe('readTar', () => {
  it('streams entries with their paths, types and bytes', async () => {
    const seen: Array<[string, string, string]> = [];
    for await (const e of readTar(Readable.from([tar([{ name: 'd/', type: '5' }, { name: 'd/a', content: 'x'.repeat(1000) }, { name: 'l', type: '2', link: 'd/a' }])]))) {
      const chunks: Buffer[] = [];
      for await (const c of e.body) chunks.push(c as Buffer);
      seen.push([e.path, e.type, Buffer.concat(chunks).toString().slice(0, 3)]);
    }
    expect(seen).toEqual([['d/', '5', ''], ['d/a', '0', 'xxx'], ['l', '2', '']]);
  });

  it('skips a body nobody read', async () => {
    const paths: string[] = [];
    for await (const e of readTar(Readable.from([tar([{ name: 'a', content: 'y'.repeat(3000) }, { name: 'b', content: 'z' }])]))) paths.push(e.path);
    expect(paths).toEqual(['a', 'b']);
  });
});

describe('ArchiveImporter', () => {
  it('imports a docker save archive whose manifest.json comes last', async () => {
    const { sink, images } = await run(oldDockerSave());
    const manifest = JSON.parse(sink.manifests[0].body.toString());
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, size: config.length, digest: sha(config) },
      layers: [{ mediaType: DOCKER_LAYER, size: layer.length, digest: sha(layer) }],
    });
    expect(sink.manifests.map((m) => [m.reference, m.mediaType])).toEqual([['v1', DOCKER_MANIFEST], ['v2', DOCKER_MANIFEST]]);
    expect(images).toEqual([
      { tag: 'v1', digest: sha(sink.manifests[0].body), size: sink.manifests[0].body.length, mediaType: DOCKER_MANIFEST },
      { tag: 'v2', digest: sha(sink.manifests[0].body), size: sink.manifests[0].body.length, mediaType: DOCKER_MANIFEST },
    ]);
    expect([...sink.committed.keys()].sort()).toEqual([sha(config), sha(layer)].sort());
    // VERSION and the legacy json were staged, then dropped: never linked.
    expect(sink.dropped).toHaveLength(2);
  });

  it('reads a gzipped archive (by its magic bytes) and tags `latest` without RepoTags', async () => {
    const archive = tar([
      { name: `blobs/sha256/${sha(layer).slice(7)}`, content: layer },
      { name: `blobs/sha256/${configHex}`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `blobs/sha256/${configHex}`, RepoTags: null, Layers: [`blobs/sha256/${sha(layer).slice(7)}`] }]) },
    ]);
    const { images, sink } = await run(gzipSync(archive));
    expect(images.map((i) => i.tag)).toEqual(['latest']);
    expect(sink.committed.size).toBe(2);
  });

  it('follows symbolic links between layers', async () => {
    const archive = tar([
      { name: 'one/layer.tar', content: layer },
      { name: 'two/layer.tar', type: '2', link: '../one/layer.tar' },
      { name: 'c.json', content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'c.json', RepoTags: ['x:t'], Layers: ['one/layer.tar', 'two/layer.tar'] }]) },
    ]);
    const { sink } = await run(archive);
    expect(JSON.parse(sink.manifests[0].body.toString()).layers).toHaveLength(2);
  });

  it('pushes an OCI layout as it is, tagged by its ref.name annotation', async () => {
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha(config) },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', size: layer.length, digest: sha(layer) }],
    });
    const archive = tar([
      { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
      { name: 'blobs/', type: '5' },
      { name: `blobs/sha256/${sha(layer).slice(7)}`, content: layer },
      { name: `blobs/sha256/${configHex}`, content: config },
      { name: `blobs/sha256/${sha(manifest).slice(7)}`, content: manifest },
      {
        name: 'index.json',
        content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': '1.2' } }] }),
      },
    ]);
    const { sink, images } = await run(archive);
    expect(images).toEqual([{ tag: '1.2', digest: sha(manifest), size: manifest.length, mediaType: 'application/vnd.oci.image.manifest.v1+json' }]);
    expect(sink.manifests[0].body.toString()).toBe(manifest);
    expect(sink.committed.size).toBe(2);
    expect(sink.dropped).toHaveLength(1); // the manifest's own blob
  });

  it.each([
    ['not a tar', Buffer.from('this is not an archive at all, just text that goes on'.repeat(20)), /not an image archive/],
    ['truncated', oldDockerSave().subarray(0, 1800), /truncated/],
    ['a tar without manifest.json', tar([{ name: 'a.txt', content: 'a' }]), /neither manifest.json/],
    ['a corrupt gzip', Buffer.concat([gzipSync(oldDockerSave()).subarray(0, 200), Buffer.alloc(100, 7)]), /not an image archive/],
    ['an empty body', Buffer.alloc(0), /not an image archive/],
    ['a manifest naming a missing layer', tar([{ name: 'c.json', content: config }, { name: 'manifest.json', content: JSON.stringify([{ Config: 'c.json', Layers: ['gone/layer.tar'] }]) }]), /missing/],
  ])('refuses %s, pushing nothing and dropping what was staged', async (_what, archive, message) => {
    const sink = new FakeSink();
    const error = await new ArchiveImporter(sink, 1 << 30).import(Readable.from([archive])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).reason).toBe('invalid');
    expect((error as Error).message).toMatch(message);
    expect(sink.manifests).toEqual([]);
    expect(sink.committed.size).toBe(0);
    expect(sink.dropped).toHaveLength(sink.uploads.size);
  });

  it('refuses an archive past the byte limit while it streams', async () => {
    const sink = new FakeSink();
    const error = await new ArchiveImporter(sink, 4096).import(Readable.from([oldDockerSave()])).catch((e: unknown) => e);
    expect((error as ArchiveError).reason).toBe('too-large');
    expect(sink.manifests).toEqual([]);
    expect(sink.dropped).toHaveLength(sink.uploads.size);
  });

  it('fails, dropping what was staged, when the client goes away in the middle', async () => {
    const sink = new FakeSink();
    const archive = oldDockerSave();
    const source = new Readable({ read: () => undefined });
    source.push(archive.subarray(0, 2048));
    setTimeout(() => source.destroy(), 20);
    await expect(new ArchiveImporter(sink, 1 << 30).import(source)).rejects.toThrow();
    expect(sink.manifests).toEqual([]);
    expect(sink.dropped).toHaveLength(sink.uploads.size);
  });

  it('takes the tag out of a reference', () => {
    expect(tagOf('a/b:c')).toBe('c');
    expect(tagOf('localhost:5000/a/b:c')).toBe('c');
    expect(tagOf('localhost:5000/a/b')).toBe('latest');
    expect(tagOf(undefined)).toBe('latest');
    expect(tagOf('1.2')).toBe('1.2');
    expect(tagOf('v3')).toBe('v3');
  });
});
