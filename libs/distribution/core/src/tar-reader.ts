import { Readable } from 'node:stream';

/** A tar (or gzipped tar) that cannot be read as one: not an archive, truncated, or a header that does not check. */
export class TarFormatError extends Error {}

export interface TarEntry {
  readonly path: string;
  /** '0' a file, '2' a symbolic link, '5' a directory, ... (ustar type flags). */
  readonly type: string;
  readonly size: number;
  readonly linkTarget: string;
  /** The entry's bytes: read it to the end (or not at all) before asking for the next entry. */
  readonly body: Readable;
}

const BLOCK = 512;

/** Pulls exact byte counts out of an async stream of chunks, without keeping more than one chunk. */
class ByteSource {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    return true;
  }

  /** Exactly n bytes, or undefined at a clean end before any byte; a partial read is a truncation. */
  async exactly(n: number): Promise<Buffer | undefined> {
    while (this.buffered.length < n) {
      if (!(await this.fill())) {
        if (this.buffered.length === 0) return undefined;
        throw new TarFormatError('the archive is truncated');
      }
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }

  /** n bytes as they arrive, chunk by chunk. */
  async *stream(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.fill())) throw new TarFormatError('the archive is truncated');
      const take = Math.min(left, this.buffered.length);
      const out = this.buffered.subarray(0, take);
      this.buffered = this.buffered.subarray(take);
      left -= take;
      yield out;
    }
  }
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if (field[0] & 0x80) {
    // GNU base-256: big-endian binary after the marker bit.
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarFormatError('not a tar archive: a header field is not a number');
  return parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  let stored: number;
  try {
    stored = octal(block, 148, 8);
  } catch {
    return false;
  }
  return stored === sum;
}

/** `key=value` records of a PAX extended header. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(data.subarray(at, space).toString('utf8'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return records;
}

const METADATA_LIMIT = 1024 * 1024;

/**
 * Reads a ustar/PAX/GNU tar as a stream of entries: headers are checked (a stream that is not a
 * tar fails at its first block), bodies are handed on as they arrive and never held whole.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const bytes = new ByteSource(source[Symbol.asyncIterator]());
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let first = true;
  for (;;) {
    const block = await bytes.exactly(BLOCK);
    if (!block) {
      if (first) throw new TarFormatError('not a tar archive: it is empty');
      throw new TarFormatError('the archive is truncated: it has no end-of-archive marker');
    }
    if (block.every((b) => b === 0)) return;
    if (!checksumOk(block)) throw new TarFormatError(first ? 'not a tar archive' : 'the archive is corrupt: a header checksum does not match');
    first = false;
    const type = String.fromCharCode(block[156] || 0x30);
    const size = pax['size'] !== undefined ? Number(pax['size']) : octal(block, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > METADATA_LIMIT) throw new TarFormatError('the archive is corrupt: an extended header is too large');
      const data = (await bytes.exactly(padded)) ?? Buffer.alloc(0);
      if (data.length < padded) throw new TarFormatError('the archive is truncated');
      const content = data.subarray(0, size);
      if (type === 'x') pax = { ...pax, ...paxRecords(content) };
      else if (type === 'L') longName = text(content, 0, content.length);
      else if (type === 'K') longLink = text(content, 0, content.length);
      continue;
    }
    const prefix = block.subarray(257, 262).toString('latin1') === 'ustar' ? text(block, 345, 155) : '';
    const name = text(block, 0, 100);
    const path = pax['path'] ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    const linkTarget = pax['linkpath'] ?? longLink ?? text(block, 157, 100);
    pax = {};
    longName = undefined;
    longLink = undefined;
    const hasBody = type === '0' || type === '7' || type === '\0';
    const bodySize = hasBody ? size : 0;
    const left = { bytes: bodySize };
    const body = Readable.from(
      (async function* () {
        for await (const chunk of bytes.stream(left.bytes)) {
          left.bytes -= chunk.length;
          yield chunk;
        }
      })(),
      { objectMode: false },
    );
    yield { path: path.replace(/^\.\//, ''), type: type === '\0' || type === '7' ? '0' : type, size: bodySize, linkTarget, body };
    if (left.bytes > 0) {
      // Whatever the reader left of the body is skipped.
      body.destroy();
      for await (const chunk of bytes.stream(left.bytes)) left.bytes -= chunk.length;
    }
    const padding = Math.ceil(bodySize / BLOCK) * BLOCK - bodySize + (hasBody ? 0 : padded);
    if (padding > 0 && (await bytes.exactly(padding)) === undefined) throw new TarFormatError('the archive is truncated');
  }
}
