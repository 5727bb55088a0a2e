import type { HeldUpload, UploadPartPayload, UploadSession } from '@swr/contracts';
import { DigestAlgorithm, OciError, parseRepositoryName } from '@swr/oci';
import { randomUUID } from 'node:crypto';
import { asRegistryOperation } from './metadata-error';
import type { UploadRecord, UploadSessions } from './ports';

const unknownUpload = (id: string) => new OciError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });

export function toSessionPayload(record: UploadRecord): UploadSession {
  return {
    id: record.id,
    repository: record.repository,
    algorithm: record.algorithm,
    offset: record.offset,
    startedAt: record.startedAt.toISOString(),
  };
}

export class UploadService {
  constructor(
    private readonly sessions: UploadSessions,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** Opens a session; the first push into an organization or repository creates it. */
  async start(repository: string, algorithm: DigestAlgorithm, account?: string): Promise<UploadSession> {
    return asRegistryOperation(async () => toSessionPayload(await this.sessions.create(parseRepositoryName(repository), this.newId(), algorithm, account)));
  }

  async get(repository: string, id: string): Promise<UploadSession> {
    const record = await this.sessions.find(repository, id);
    if (!record) throw unknownUpload(id);
    return toSessionPayload(record);
  }

  /** For the closing PUT: the session with its parts; `digest`, which it is about to commit, is held (see UploadSessions.hold). */
  async hold(repository: string, id: string, digest: string): Promise<HeldUpload> {
    const record = await this.sessions.hold(repository, id, digest);
    if (!record) throw unknownUpload(id);
    return { ...toSessionPayload(record), parts: [...record.parts] };
  }

  async parts(repository: string, id: string): Promise<UploadPartPayload[]> {
    const parts = await this.sessions.parts(repository, id);
    if (!parts) throw unknownUpload(id);
    return parts;
  }

  /** Records a chunk written at `offset`. A chunk that does not start where the upload ends is refused. */
  async append(repository: string, id: string, offset: number, part: UploadPartPayload): Promise<UploadSession> {
    const result = await this.sessions.append(repository, id, offset, part);
    if (!result) throw unknownUpload(id);
    if ('appended' in result) return toSessionPayload(result.appended);
    if (result.refused === 'quota') throw new OciError('DENIED', "the upload would exceed the account's storage quota", { offset: result.current.offset });
    throw new OciError('RANGE_INVALID', 'chunk does not start at the end of the upload', { offset: result.current.offset });
  }

  async complete(repository: string, id: string, digest: string, size: number): Promise<void> {
    if (!(await asRegistryOperation(() => this.sessions.complete(repository, id, digest, size)))) throw unknownUpload(id);
  }

  async cancel(repository: string, id: string): Promise<void> {
    if (!(await this.sessions.remove(repository, id))) throw unknownUpload(id);
  }
}
