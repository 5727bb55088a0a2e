import { loginKey, loginKeyShellCommand, longTermLoginCommand } from './login';

describe('the long-term login command', () => {
  it('derives the login key as the registry checks it: HMAC-SHA256 of the AK keyed with the SK, in lower-case hex', async () => {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    await expect(loginKey('what do ya want for nothing?', 'Jefe')).resolves.toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('has no key without Web Crypto (a page not served over HTTPS or from localhost)', async () => {
    await expect(loginKey('AK', 'SK', {})).resolves.toBeUndefined();
  });

  it('logs in as <region>@<AK>', () => {
    expect(longTermLoginCommand('cn-north-4', 'HPUAZQ1X4TVBMKLP8R2C', '5bdc', 'registry.example:5000')).toBe('docker login -u cn-north-4@HPUAZQ1X4TVBMKLP8R2C -p 5bdc registry.example:5000');
  });

  it('tells how to compute the key with openssl where the browser cannot', () => {
    expect(loginKeyShellCommand('AK1', 'SK1')).toBe("printf '%s' 'AK1' | openssl dgst -binary -sha256 -hmac 'SK1' | od -An -vtx1 | tr -d ' \\n'");
  });
});
