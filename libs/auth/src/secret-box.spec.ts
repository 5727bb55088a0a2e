import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('the secret box', () => {
  it('seals secrets so that the stored form reveals nothing and tampering is detected', () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('my-secret-key');
    expect(sealed).not.toContain('my-secret-key');
    expect(box.open(sealed)).toBe('my-secret-key');
    expect(box.seal('my-secret-key')).not.toBe(sealed);
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data, 'base64');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64')].join('.'))).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => new SecretBox(randomBytes(16))).toThrow('32 bytes');
  });
});
