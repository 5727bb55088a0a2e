import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { pipeline, Readable, Transform, TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { readTar, TarFormatError } from './tar-reader';

/** Why an archive was refused: not an image archive (or a broken one), or past the size limit. */
export class ArchiveError extends Error {
  constructor(
    readonly reason: 'invalid' | 'too-large',
    message: string,
  ) {
    super(message);
  }
}

/** One entry's bytes written to the blob store as an upload, not yet linked to anything. */
export interface StagedBlob {
  readonly id: string;
}

/**
 * Where an imported archive goes: the registry's own upload path (start, append, complete) and its
 * manifest PUT, so quota, events, triggers and audit happen as for a docker push.
 */
export interface ArchiveSink {
  /** Streams bytes into a new upload. */
  stage(body: Readable): Promise<StagedBlob>;
  /** Completes the upload as the blob `digest`, linked to the repository. */
  commit(staged: StagedBlob, digest: string): Promise<void>;
  /** Abandons an upload that turned out not to be needed. */
  drop(staged: StagedBlob): Promise<void>;
  /** Pushes a manifest under a tag or its digest; returns its digest. */
  putManifest(reference: string, mediaType: string, body: Buffer): Promise<string>;
}

export interface ImportedImage {
  readonly tag: string;
  readonly digest: string;
  /** The manifest's size in bytes (a descriptor's size). */
  readonly size: number;
  readonly mediaType: string;
}

interface Staged {
  readonly staged: StagedBlob;
  readonly digest: string;
  readonly size: number;
  /** Small entries only (configs, manifests), kept to be read once the archive says what they are. */
  readonly content?: Buffer;
}

export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const REF_NAME = 'org.opencontainers.image.ref.name';

/** Files of the archive read whole (they describe the others); anything larger is not an image archive. */
const DESCRIPTION_FILES = new Set(['manifest.json', 'index.json', 'oci-layout', 'repositories']);
const DESCRIPTION_LIMIT = 1024 * 1024;
/** Entries this small that start as JSON are also kept in memory while they stream, since they may be configs or manifests. */
const KEEP_LIMIT = 4 * 1024 * 1024;
const KEEP_TOTAL = 64 * 1024 * 1024;

/** Counts the bytes passing; past the limit the stream fails. */
class ByteLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(new ArchiveError('too-large', `the archive is larger than the limit of ${this.limit} bytes`));
    else done(null, chunk);
  }
}

/**
 * Hashes (sha256) and counts the bytes passing. A small entry that starts as JSON does (a config
 * or a manifest) is also kept; layers, which are tars or compressed, never are.
 */
class Digesting extends Transform {
  private readonly hash = createHash('sha256');
  private kept: Buffer[] | undefined;
  private first = true;
  size = 0;
  constructor(private readonly mayKeep: boolean) {
    super();
  }
  override _transform(chunk: Buffer, _: BufferEncoding, done: TransformCallback): void {
    if (this.first && chunk.length) {
      this.first = false;
      if (this.mayKeep && /^\s*[{[]/.test(chunk.subarray(0, 64).toString('latin1'))) this.kept = [];
    }
    this.hash.update(chunk);
    this.size += chunk.length;
    this.kept?.push(chunk);
    done(null, chunk);
  }
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
  content(): Buffer | undefined {
    return this.kept && Buffer.concat(this.kept);
  }
}

async function readWhole(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(content: Buffer | undefined, what: string): unknown {
  if (!content) throw new ArchiveError('invalid', `${what} is missing from the archive`);
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    throw new ArchiveError('invalid', `${what} is not valid JSON`);
  }
}

/** The tag part of `name:tag` (a registry port is not a tag); a bare word is a tag already (OCI's ref.name). */
export function tagOf(reference: string | undefined): string {
  if (!reference) return 'latest';
  const colon = reference.lastIndexOf(':');
  if (colon < 0 || reference.slice(colon + 1).includes('/')) return reference.includes('/') ? 'latest' : reference;
  return reference.slice(colon + 1);
}

/**
 * Imports one image archive — `docker save` output (old or new layout, plain or gzipped) or an OCI
 * image layout — into a repository. Every entry streams into an upload as it passes, hashed on
 * the way (the description files often come last); once the archive is read the image manifests
 * are built (or, for an OCI layout, taken as they are), the blobs they need are committed and the
 * manifests pushed. Nothing is held whole but the small JSON files.
 */
export class ArchiveImporter {
  constructor(
    private readonly sink: ArchiveSink,
    private readonly maxBytes: number,
  ) {}

  async import(source: Readable): Promise<ImportedImage[]> {
    const staged = new Map<string, Staged>();
    const links = new Map<string, string>();
    const descriptions = new Map<string, Buffer>();
    const committed = new Set<string>();
    const kept = new Set<Staged>();
    try {
      let keptBytes = 0;
      for await (const entry of readTar(this.tarBytes(source))) {
        const path = posix.normalize(entry.path);
        if (entry.type === '1') links.set(path, posix.normalize(entry.linkTarget));
        if (entry.type === '2') links.set(path, posix.normalize(posix.join(posix.dirname(path), entry.linkTarget)));
        if (entry.type !== '0') continue;
        if (DESCRIPTION_FILES.has(path)) {
          if (entry.size > DESCRIPTION_LIMIT) throw new ArchiveError('invalid', `${path} is too large for an image archive`);
          descriptions.set(path, await readWhole(entry.body));
          continue;
        }
        const keep = entry.size <= KEEP_LIMIT && keptBytes + entry.size <= KEEP_TOTAL;
        if (keep) keptBytes += entry.size;
        const digesting = new Digesting(keep);
        entry.body.on('error', (error) => digesting.destroy(error));
        const blob = await this.sink.stage(entry.body.pipe(digesting));
        staged.set(path, { staged: blob, digest: digesting.digest(), size: digesting.size, content: digesting.content() });
      }
      const resolve = (path: string): Staged => {
        let at = posix.normalize(path);
        for (let hops = 0; links.has(at) && hops < 16; hops++) at = links.get(at) as string;
        const found = staged.get(at);
        if (!found) throw new ArchiveError('invalid', `${path.slice(0, 200)} is missing from the archive`);
        return found;
      };
      const commit = async (blob: Staged): Promise<void> => {
        if (committed.has(blob.digest)) return;
        committed.add(blob.digest);
        kept.add(blob);
        await this.sink.commit(blob.staged, blob.digest);
      };
      let images: ImportedImage[];
      if (descriptions.has('manifest.json')) images = await this.dockerImages(json(descriptions.get('manifest.json'), 'manifest.json'), resolve, commit);
      else if (descriptions.has('index.json')) images = await this.ociImages(json(descriptions.get('index.json'), 'index.json'), resolve, commit);
      else throw new ArchiveError('invalid', 'not an image archive: it has neither manifest.json (docker save) nor index.json (OCI image layout)');
      return images;
    } catch (error) {
      throw toArchiveError(error);
    } finally {
      // Uploads not committed (not needed, or the import failed) are abandoned.
      const drops = [...staged.values()].filter((s) => !kept.has(s));
      await Promise.all(drops.map((s) => this.sink.drop(s.staged).catch(() => undefined)));
    }
  }

  /** The tar's bytes: counted against the limit, gunzipped when they start with gzip's magic bytes. */
  private async *tarBytes(source: Readable): AsyncGenerator<Buffer> {
    const limited = new ByteLimit(this.maxBytes);
    // A client gone in the middle (a premature close) fails the import rather than leaving it waiting.
    pipeline(source, limited, () => undefined);
    const iterator = limited[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let head = Buffer.alloc(0);
    let done = false;
    while (head.length < 2 && !done) {
      const next = await iterator.next();
      if (next.done) done = true;
      else head = Buffer.concat([head, next.value]);
    }
    const rest = async function* (): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    };
    if (head[0] === 0x1f && head[1] === 0x8b) {
      const gunzip = createGunzip();
      pipeline(Readable.from(rest()), gunzip, () => undefined);
      yield* gunzip as AsyncIterable<Buffer>;
    } else {
      yield* rest();
    }
  }

  private async dockerImages(described: unknown, resolve: (path: string) => Staged, commit: (blob: Staged) => Promise<void>): Promise<ImportedImage[]> {
    if (!Array.isArray(described) || described.length === 0) throw new ArchiveError('invalid', 'manifest.json lists no image');
    const images: ImportedImage[] = [];
    for (const item of described as Array<Record<string, unknown>>) {
      if (typeof item?.['Config'] !== 'string' || !Array.isArray(item['Layers']) || !item['Layers'].every((l) => typeof l === 'string')) {
        throw new ArchiveError('invalid', 'manifest.json is malformed: each image needs Config and Layers');
      }
      const config = resolve(item['Config']);
      json(config.content, 'the image configuration');
      const layers = (item['Layers'] as string[]).map(resolve);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: DOCKER_MANIFEST,
          config: { mediaType: DOCKER_CONFIG, size: config.size, digest: config.digest },
          layers: layers.map((l) => ({ mediaType: DOCKER_LAYER, size: l.size, digest: l.digest })),
        }),
      );
      for (const blob of [config, ...layers]) await commit(blob);
      const repoTags = Array.isArray(item['RepoTags']) ? (item['RepoTags'] as unknown[]).filter((t): t is string => typeof t === 'string') : [];
      const tags = repoTags.length ? [...new Set(repoTags.map(tagOf))] : ['latest'];
      for (const tag of tags) {
        const digest = await this.sink.putManifest(tag, DOCKER_MANIFEST, manifest);
        images.push({ tag, digest, size: manifest.length, mediaType: DOCKER_MANIFEST });
      }
    }
    return images;
  }

  private async ociImages(described: unknown, resolve: (path: string) => Staged, commit: (blob: Staged) => Promise<void>): Promise<ImportedImage[]> {
    const index = described as { manifests?: Array<{ mediaType?: string; digest?: string; annotations?: Record<string, string> }> };
    if (!Array.isArray(index?.manifests) || index.manifests.length === 0) throw new ArchiveError('invalid', 'index.json lists no image');
    const blobOf = (digest: unknown): Staged => {
      const m = typeof digest === 'string' ? /^([a-z0-9]+):([a-f0-9]{32,})$/.exec(digest) : null;
      if (!m) throw new ArchiveError('invalid', 'the OCI layout names an invalid digest');
      const blob = resolve(`blobs/${m[1]}/${m[2]}`);
      if (blob.digest !== digest) throw new ArchiveError('invalid', `blob ${digest} does not match its content`);
      return blob;
    };
    const push = async (digest: unknown, mediaType: string | undefined, reference?: string): Promise<{ digest: string; size: number; mediaType: string }> => {
      const blob = blobOf(digest);
      const manifest = json(blob.content, `manifest ${String(digest)}`) as Record<string, unknown>;
      const type = mediaType ?? (typeof manifest['mediaType'] === 'string' ? manifest['mediaType'] : undefined);
      if (!type) throw new ArchiveError('invalid', `manifest ${String(digest)} has no media type`);
      if (type === OCI_INDEX || type === DOCKER_LIST) {
        for (const child of (manifest['manifests'] as Array<{ digest?: string; mediaType?: string }>) ?? []) await push(child.digest, child.mediaType);
      } else {
        const config = manifest['config'] as { digest?: string } | undefined;
        const layers = (manifest['layers'] as Array<{ digest?: string }>) ?? [];
        for (const d of [...(config ? [config.digest] : []), ...layers.map((l) => l.digest)]) await commit(blobOf(d));
      }
      const pushed = await this.sink.putManifest(reference ?? (digest as string), type, blob.content as Buffer);
      return { digest: pushed, size: blob.size, mediaType: type };
    };
    const images: ImportedImage[] = [];
    for (const entry of index.manifests) {
      const tag = tagOf(entry.annotations?.[REF_NAME]);
      const pushed = await push(entry.digest, entry.mediaType, tag);
      images.push({ tag, ...pushed });
    }
    return images;
  }
}

function toArchiveError(error: unknown): unknown {
  if (error instanceof ArchiveError) return error;
  if (error instanceof TarFormatError) return new ArchiveError('invalid', `not an image archive: ${error.message}`);
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) return new ArchiveError('invalid', 'not an image archive: the gzip stream is corrupt');
  return error;
}
