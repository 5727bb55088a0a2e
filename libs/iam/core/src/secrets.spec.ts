import { randomBytes } from 'node:crypto';
import { hashPassword, hashToken, randomAccessKeyId, SecretBox, verifyPassword } from './secrets';

describe('secrets', () => {
  it('hashes passwords with a salt and verifies only the right one', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('wrong horse', first)).toBe(false);
    expect(await verifyPassword('correct horse', 'plain$text')).toBe(false);
  });

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

  it('makes access key ids in the Huawei shape and hashes tokens one way', () => {
    expect(randomAccessKeyId()).toMatch(/^[A-Z0-9]{20}$/);
    expect(hashToken('t')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken('t')).not.toBe(hashToken('u'));
  });
});
