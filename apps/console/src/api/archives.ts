import { repositoryParameter } from '../context';
import { ApiFailure, failureFrom } from '../logic/errors';
import { archiveContentType } from '../logic/upload';
import type { Session } from './session';

export interface UploadedImage {
  readonly tag: string;
  readonly digest: string;
}

export interface ArchiveUpload {
  readonly namespace: string;
  readonly repository: string;
  readonly file: File;
  /** Bytes sent so far of the file's size, as the browser reports them. */
  readonly onProgress: (sent: number, total: number) => void;
  /** Called once every byte is sent: the registry now unpacks and pushes the images. */
  readonly onSent: () => void;
}

/**
 * POST /v2/manage/namespaces/{ns}/repos/{repo}/archives (UploadImageArchive) with the File itself as
 * the body: the browser streams it from disk, the page never holds it in memory. XMLHttpRequest,
 * not fetch, because only it reports upload progress. A 401 also tells the app the session is over.
 */
export function uploadArchive(session: Session, onRefused: () => void, upload: ArchiveUpload): Promise<UploadedImage[]> {
  const { namespace, repository, file } = upload;
  const path = `/v2/manage/namespaces/${encodeURIComponent(namespace)}/repos/${encodeURIComponent(repositoryParameter(repository))}/archives`;
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.withCredentials = false;
    request.setRequestHeader('X-Auth-Token', session.token);
    request.setRequestHeader('Content-Type', archiveContentType(file.name));
    request.responseType = 'text';
    request.upload.onprogress = (event) => upload.onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.upload.onload = () => upload.onSent();
    request.onerror = () => reject(new ApiFailure(0, undefined, 'network error'));
    request.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status === 401) onRefused();
      if (request.status !== 201) {
        reject(failureFrom(request.status, body));
        return;
      }
      resolve(((body as { images?: UploadedImage[] } | undefined)?.images ?? []).map(({ tag, digest }) => ({ tag, digest })));
    };
    request.send(file);
  });
}
