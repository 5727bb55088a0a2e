import { execFileSync } from 'node:child_process';
import { loginKey, parseLoginName, secretsEqual } from './login-key';

describe('login keys', () => {
  it('matches the openssl pipeline of the SWR documentation', () => {
    const ak = 'OWFPUKBXIEXAMPLEKEY1';
    const sk = 'lJ9T8tQ2example/secret+key';
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', sk], { input: ak }).toString().trim().split(' ').pop();
    expect(loginKey(ak, sk)).toBe(openssl);
    expect(loginKey(ak, sk)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the three forms of a docker login user name', () => {
    expect(parseLoginName('cn-north-4@AKEXAMPLE', 'cn-north-4')).toEqual({ kind: 'access-key', accessKey: 'AKEXAMPLE' });
    expect(parseLoginName('acme/alice', 'cn-north-4')).toEqual({ kind: 'user', account: 'acme', user: 'alice' });
    expect(parseLoginName('alice', 'cn-north-4')).toEqual({ kind: 'user', user: 'alice' });
    expect(parseLoginName('eu-west-1@AK', 'cn-north-4')).toEqual({ kind: 'user', user: 'eu-west-1@AK' });
  });

  it('compares secrets of any length safely', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });
});
