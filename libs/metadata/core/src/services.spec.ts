import type { DescriptorPayload, UploadPartPayload } from '@swr/contracts';
import { digestOf, OciError, RepositoryName } from '@swr/oci';
import { ManifestService } from './manifest.service';
import type { HeldUploadRecord, ManifestIndex, ManifestLookup, MissingReferences, NewManifest, PageRequest, UploadSessions } from './ports';
import { UploadService } from './upload.service';

class MemoryUploads implements UploadSessions {
  readonly records = new Map<string, HeldUploadRecord>();
  quotaBytes = Infinity;
  async create(repository: RepositoryName, id: string, algorithm: 'sha256' | 'sha512') {
    const record = { id, repository: repository.name, algorithm, offset: 0, parts: [], startedAt: new Date(0) };
    this.records.set(id, record);
    return record;
  }
  async find(repository: string, id: string) {
    const record = this.records.get(id);
    return record?.repository === repository ? record : undefined;
  }
  async hold(repository: string, id: string) {
    return this.find(repository, id);
  }
  async parts(repository: string, id: string) {
    const record = await this.find(repository, id);
    return record && [...record.parts];
  }
  async append(repository: string, id: string, expectedOffset: number, part: UploadPartPayload) {
    const record = await this.find(repository, id);
    if (!record) return undefined;
    if (record.offset !== expectedOffset) return { refused: 'offset' as const, current: record };
    if (record.offset + part.size > this.quotaBytes) return { refused: 'quota' as const, current: record };
    const next = { ...record, offset: record.offset + part.size, parts: [...record.parts, part] };
    this.records.set(id, next);
    return { appended: next };
  }
  async complete(repository: string, id: string) {
    return this.remove(repository, id);
  }
  async remove(repository: string, id: string) {
    return (await this.find(repository, id)) !== undefined && this.records.delete(id);
  }
}

class MemoryManifests implements ManifestIndex {
  readonly stored: NewManifest[] = [];
  missing?: MissingReferences;
  repositories = new Set(['acme/app']);
  async put(manifest: NewManifest) {
    if (this.missing) return this.missing;
    this.stored.push(manifest);
    return undefined;
  }
  async findByTag(repository: string, tag: string): Promise<ManifestLookup> {
    if (!this.repositories.has(repository)) return { repository: false };
    const m = this.stored.find((s) => s.tags.includes(tag));
    return { repository: true, manifest: m && { digest: m.digest, mediaType: m.mediaType, size: m.content.length, content: m.content } };
  }
  async findByDigest(repository: string, digest: string): Promise<ManifestLookup> {
    if (!this.repositories.has(repository)) return { repository: false };
    const m = this.stored.find((s) => s.digest === digest);
    return { repository: true, manifest: m && { digest: m.digest, mediaType: m.mediaType, size: m.content.length } };
  }
  deleteByDigest = this.findByDigest;
  deleteTag = this.findByTag;
  async listTags(repository: string, page: PageRequest) {
    if (!this.repositories.has(repository)) return undefined;
    return ['a', 'b', 'c', 'd'].filter((t) => t > (page.last ?? '')).slice(0, page.n + 1);
  }
  async listRepositories() {
    return [...this.repositories];
  }
  async listReferrers(): Promise<DescriptorPayload[]> {
    return [];
  }
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: OciError) => e.code);

describe('UploadService', () => {
  const sessions = new MemoryUploads();
  const uploads = new UploadService(sessions, () => '00000000-0000-4000-8000-000000000001');

  it('opens a session for a valid name and refuses an invalid one', async () => {
    const session = await uploads.start('acme/app', 'sha256');
    expect(session).toEqual({ id: '00000000-0000-4000-8000-000000000001', repository: 'acme/app', algorithm: 'sha256', offset: 0, startedAt: '1970-01-01T00:00:00.000Z' });
    expect(await codeOf(uploads.start('nope', 'sha256'))).toBe('NAME_INVALID');
  });

  it('appends only at the current offset, saying where the upload ends when refused', async () => {
    const { id } = await uploads.start('acme/app', 'sha256');
    await uploads.append('acme/app', id, 0, { id: 'p1', size: 10 });
    const refused = await uploads.append('acme/app', id, 0, { id: 'p2', size: 10 }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'RANGE_INVALID', detail: { offset: 10 } });
    expect(await codeOf(uploads.append('other/repo', id, 10, { id: 'p3', size: 1 }))).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('refuses a chunk that would take the account over its storage quota with DENIED, keeping the offset', async () => {
    const { id } = await uploads.start('acme/app', 'sha256');
    sessions.quotaBytes = 15;
    try {
      await uploads.append('acme/app', id, 0, { id: 'p1', size: 10 });
      expect(await uploads.append('acme/app', id, 10, { id: 'p2', size: 10 }).catch((e) => e)).toMatchObject({ code: 'DENIED', detail: { offset: 10 } });
      expect((await uploads.get('acme/app', id)).offset).toBe(10);
    } finally {
      sessions.quotaBytes = Infinity;
    }
  });

  it('gives the parts only to the closing PUT (or when asked), in order', async () => {
    const { id } = await uploads.start('acme/app', 'sha256');
    await uploads.append('acme/app', id, 0, { id: 'p1', size: 10 });
    const appended = await uploads.append('acme/app', id, 10, { id: 'p2', size: 5 });
    expect(appended).not.toHaveProperty('parts');
    expect(await uploads.get('acme/app', id)).not.toHaveProperty('parts');
    expect(await uploads.parts('acme/app', id)).toEqual([
      { id: 'p1', size: 10 },
      { id: 'p2', size: 5 },
    ]);
    expect(await uploads.hold('acme/app', id, digestOf('x'))).toMatchObject({ offset: 15, parts: [{ id: 'p1' }, { id: 'p2' }] });
  });

  it('reports an unknown session on get, hold, parts, complete and cancel', async () => {
    const unknown = '00000000-0000-4000-8000-00000000dead';
    expect(await codeOf(uploads.get('acme/app', unknown))).toBe('BLOB_UPLOAD_UNKNOWN');
    expect(await codeOf(uploads.hold('acme/app', unknown, digestOf('')))).toBe('BLOB_UPLOAD_UNKNOWN');
    expect(await codeOf(uploads.parts('acme/app', unknown))).toBe('BLOB_UPLOAD_UNKNOWN');
    expect(await codeOf(uploads.complete('acme/app', unknown, digestOf(''), 0))).toBe('BLOB_UPLOAD_UNKNOWN');
    expect(await codeOf(uploads.cancel('acme/app', unknown))).toBe('BLOB_UPLOAD_UNKNOWN');
  });
});

describe('ManifestService', () => {
  const content = Buffer.from('{"schemaVersion":2}');
  const request = (overrides: object = {}) => ({
    repository: 'acme/app',
    digest: digestOf(content),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    content: content.toString('base64'),
    tags: ['v1', 'v1'],
    blobs: [],
    manifests: [],
    ...overrides,
  });

  it('stores the bytes it was given under their digest, with each tag once', async () => {
    const index = new MemoryManifests();
    await new ManifestService(index).put(request());
    expect(index.stored[0].content.equals(content)).toBe(true);
    expect(index.stored[0].tags).toEqual(['v1']);
  });

  it('refuses content that does not match the digest, and stores nothing', async () => {
    const index = new MemoryManifests();
    expect(await codeOf(new ManifestService(index).put(request({ digest: digestOf('other') })))).toBe('DIGEST_INVALID');
    expect(index.stored).toEqual([]);
  });

  it('names what is missing when references are absent', async () => {
    const index = new MemoryManifests();
    index.missing = { blobs: [digestOf('b')], manifests: [] };
    const error = await new ManifestService(index).put(request()).catch((e) => e);
    expect(error).toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN', detail: { blobs: [digestOf('b')], manifests: [] } });
  });

  it('tells an unknown repository from an unknown manifest', async () => {
    const service = new ManifestService(new MemoryManifests());
    expect(await codeOf(service.get('acme/app', 'v9', true))).toBe('MANIFEST_UNKNOWN');
    expect(await codeOf(service.get('acme/other', 'v1', true))).toBe('NAME_UNKNOWN');
    expect(await codeOf(service.listTags('acme/other', { n: 10 }))).toBe('NAME_UNKNOWN');
  });

  it('pages tags and says whether more follow', async () => {
    const service = new ManifestService(new MemoryManifests());
    expect(await service.listTags('acme/app', { n: 2 })).toEqual({ tags: ['a', 'b'], more: true });
    expect(await service.listTags('acme/app', { n: 2, last: 'b' })).toEqual({ tags: ['c', 'd'], more: false });
  });
});
