/** SWR's rules for uploading through the console: up to 10 archives at a time, each up to 2 GiB. */
export const MAX_FILES = 10;
export const MAX_ARCHIVE_BYTES = 2 * 1024 ** 3;

/** `docker save` output (plain or gzipped) or an OCI image layout archive: a tar, gzipped or not. */
const ARCHIVE_NAME = /\.(tar|tar\.gz|tgz)$/i;
const GZIP_NAME = /\.(tar\.gz|tgz)$/i;

export interface ChosenFile {
  readonly name: string;
  readonly size: number;
}

/** Why a file cannot be uploaded, before anything is sent, or undefined when it can. */
export function archiveProblem(file: ChosenFile): string | undefined {
  if (!ARCHIVE_NAME.test(file.name)) return 'Not an image archive: choose a .tar or .tar.gz file (docker save output or an OCI image layout archive).';
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_ARCHIVE_BYTES) return 'The file is larger than 2 GB.';
  return undefined;
}

/** Why a selection cannot be uploaded as a whole, or undefined when it can. */
export function selectionProblem(files: readonly ChosenFile[]): string | undefined {
  if (files.length === 0) return 'Choose at least one image archive.';
  if (files.length > MAX_FILES) return `Upload at most ${MAX_FILES} files at a time (${files.length} chosen).`;
  return undefined;
}

/** The media type an archive is sent as; the server tells gzip by its magic bytes, this only helps proxies. */
export const archiveContentType = (name: string): string => (GZIP_NAME.test(name) ? 'application/gzip' : 'application/x-tar');

/** A file's part of the upload, as its row shows it. */
export type FileState =
  | { readonly state: 'refused'; readonly message: string }
  | { readonly state: 'waiting' }
  | { readonly state: 'sending'; readonly sent: number; readonly total: number }
  | { readonly state: 'unpacking' }
  | { readonly state: 'done'; readonly tags: readonly string[] }
  | { readonly state: 'failed'; readonly message: string };

/** The rows of a new selection: each file waits, or is refused at once for what the page can check itself. */
export function initialStates(files: readonly ChosenFile[]): FileState[] {
  return files.map((file) => {
    const problem = archiveProblem(file);
    return problem ? { state: 'refused', message: problem } : { state: 'waiting' };
  });
}

/** Whole percent of a file sent, for its progress bar's label. */
export function sentPercent(sent: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((sent / total) * 100));
}
