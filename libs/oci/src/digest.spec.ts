import { digestOf, isDigest, parseDigest } from './digest';
import { OciError } from './errors';

describe('digests', () => {
  it('computes sha256 and sha512 digests', () => {
    expect(digestOf('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(digestOf('abc', 'sha512')).toBe(
      'sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  it('parses valid digests of both algorithms', () => {
    expect(parseDigest(`sha256:${'0'.repeat(64)}`).algorithm).toBe('sha256');
    expect(parseDigest(`sha512:${'f'.repeat(128)}`).hex).toHaveLength(128);
  });

  it.each([
    ['wrong length', `sha256:${'a'.repeat(63)}`],
    ['upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['no algorithm', 'a'.repeat(64)],
    ['empty hex', 'sha256:'],
    ['sha512 length for sha256', `sha256:${'a'.repeat(128)}`],
  ])('refuses %s with DIGEST_INVALID', (_why, value) => {
    expect(() => parseDigest(value)).toThrow(expect.objectContaining({ code: 'DIGEST_INVALID' }));
    expect(isDigest(value)).toBe(false);
  });

  it('says UNSUPPORTED for a well-formed digest of an unknown algorithm', () => {
    let error: OciError | undefined;
    try {
      parseDigest(`md5:${'a'.repeat(32)}`);
    } catch (e) {
      error = e as OciError;
    }
    expect(error?.code).toBe('UNSUPPORTED');
  });
});
