import { randomBytes } from 'node:crypto';
import { PartAssembler } from './part-assembler';

describe('PartAssembler', () => {
  it('cuts chunks of any size into parts of exactly the part size, in order, and keeps the rest', () => {
    const content = randomBytes(10_000);
    const assembler = new PartAssembler(3000);
    const parts: Buffer[] = [];
    for (let offset = 0, size = 1; offset < content.length; offset += size, size = (size * 7) % 4001) {
      assembler.add(content.subarray(offset, offset + size));
      while (assembler.hasPart()) {
        const part = assembler.takePart();
        parts.push(Buffer.from(part));
        assembler.release(part);
      }
    }

    expect(parts.map((part) => part.length)).toEqual([3000, 3000, 3000]);
    expect(Buffer.concat([...parts, assembler.rest()]).equals(content)).toBe(true);
  });

  it('fills a released part buffer again instead of taking a new one, and takes none for less than a part', () => {
    const assembler = new PartAssembler(4);
    assembler.add(Buffer.from('abc'));
    expect(assembler.hasPart()).toBe(false);
    expect(() => assembler.takePart()).toThrow();

    assembler.add(Buffer.from('defgh'));
    const first = assembler.takePart();
    expect(first.toString()).toBe('abcd');
    assembler.release(first);
    assembler.add(Buffer.from('ijk'));
    const second = assembler.takePart();

    expect(second).toBe(first);
    expect(second.toString()).toBe('efgh');
    expect(assembler.rest().toString()).toBe('ijk');
  });
});
