import { hashPassword, hashToken, randomAccessKeyId, verifyPassword } from './secrets';

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

  it('makes access key ids in the Huawei shape and hashes tokens one way', () => {
    expect(randomAccessKeyId()).toMatch(/^[A-Z0-9]{20}$/);
    expect(hashToken('t')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken('t')).not.toBe(hashToken('u'));
  });
});
