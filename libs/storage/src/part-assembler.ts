/**
 * Cuts a stream's chunks into parts of exactly `partSize` bytes for a multipart upload, each
 * copied into a part buffer that is handed back once its part is sent and then reused. A fresh
 * buffer per part (Buffer.concat) costs the kernel's page faults on every part-sized allocation
 * and the garbage collector's work to drop it; these buffers are faulted in once per upload.
 * Chunks are held as they are until a part's worth has arrived, so a body smaller than one part
 * never takes a part buffer.
 */
export class PartAssembler {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private readonly spare: Buffer[] = [];

  constructor(private readonly partSize: number) {}

  add(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  /** Whether the chunks added make a full part. */
  hasPart(): boolean {
    return this.bytes >= this.partSize;
  }

  /** The next full part (see `hasPart`); give its buffer back with `release` once it is sent. */
  takePart(): Buffer {
    if (!this.hasPart()) throw new Error('less than a part added');
    const part = this.spare.pop() ?? Buffer.allocUnsafe(this.partSize);
    let filled = 0;
    let used = 0;
    while (filled < this.partSize) {
      const chunk = this.chunks[used];
      const taken = Math.min(chunk.length, this.partSize - filled);
      part.set(taken === chunk.length ? chunk : chunk.subarray(0, taken), filled);
      filled += taken;
      if (taken === chunk.length) used++;
      else this.chunks[used] = chunk.subarray(taken);
    }
    this.chunks = this.chunks.slice(used);
    this.bytes -= this.partSize;
    return part;
  }

  release(part: Buffer): void {
    this.spare.push(part);
  }

  /** The bytes added but not yet taken as a part: fewer than `partSize`. */
  rest(): Buffer {
    const rest = Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    this.bytes = 0;
    return rest;
  }
}
