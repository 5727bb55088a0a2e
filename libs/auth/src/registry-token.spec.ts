import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { exportSigningKey, generateSigningKey, importSigningKey, importVerificationKey, RegistryTokenClaims, signRegistryToken, tokenAllows, verifyRegistryToken } from './registry-token';

const key = generateSigningKey();
const keys = new Map<string, KeyObject>([[key.kid, key.publicKey]]);
const now = 1_800_000_000;
const options = { issuer: 'swr-iam', audience: 'swr-registry', now };
const claims: RegistryTokenClaims = {
  iss: 'swr-iam',
  sub: 'user-1',
  aud: 'swr-registry',
  exp: now + 300,
  nbf: now,
  iat: now,
  jti: 'j1',
  account: 'acc-1',
  access: [{ type: 'repository', name: 'acme/app', actions: ['pull'] }],
};
const b64 = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const reason = (token: string, opts = options) => {
  try {
    verifyRegistryToken(token, keys, opts);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('registry tokens', () => {
  it('round-trips claims signed with our key, and survives export and import', () => {
    expect(verifyRegistryToken(signRegistryToken(claims, key), keys, options)).toEqual(claims);
    const stored = exportSigningKey(key);
    const restored = importSigningKey(stored.kid, stored.privatePem);
    const token = signRegistryToken(claims, restored);
    expect(verifyRegistryToken(token, new Map([[stored.kid, importVerificationKey(stored.publicPem)]]), options).sub).toBe('user-1');
  });

  it('grants only the actions and repositories it names', () => {
    expect(tokenAllows(claims, 'acme/app', 'pull')).toBe(true);
    expect(tokenAllows(claims, 'acme/app', 'push')).toBe(false);
    expect(tokenAllows(claims, 'acme/other', 'pull')).toBe(false);
  });

  it('refuses a token whose payload was changed after signing', () => {
    const [h, , s] = signRegistryToken(claims, key).split('.');
    const widened = b64({ ...claims, access: [{ type: 'repository', name: 'acme/app', actions: ['pull', 'push', 'delete'] }] });
    expect(reason(`${h}.${widened}.${s}`)).toMatch(/bad signature/);
  });

  it('refuses alg none, other algorithms, and keys carried in the header', () => {
    const payload = b64(claims);
    expect(reason(`${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${payload}.`)).toMatch(/malformed|algorithm/);
    expect(reason(`${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${payload}.AA`)).toMatch(/algorithm none/);
    expect(reason(`${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${payload}.AA`)).toMatch(/algorithm HS256/);
    const attacker = generateKeyPairSync('ed25519');
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    const header = b64({ alg: 'EdDSA', typ: 'JWT', kid: key.kid, jwk });
    const signature = sign(null, Buffer.from(`${header}.${payload}`), attacker.privateKey).toString('base64url');
    expect(reason(`${header}.${payload}.${signature}`)).toMatch(/header jwk/);
    const x5c = b64({ alg: 'EdDSA', typ: 'JWT', kid: key.kid, x5c: ['MII...'] });
    expect(reason(`${x5c}.${payload}.${signature}`)).toMatch(/header x5c/);
  });

  it('refuses a token signed by a key that is not ours, even under our kid', () => {
    const stranger = { ...generateSigningKey(), kid: key.kid };
    expect(reason(signRegistryToken(claims, stranger))).toMatch(/bad signature/);
    expect(reason(signRegistryToken(claims, generateSigningKey()))).toMatch(/unknown signing key/);
  });

  it('refuses expired, not-yet-valid, other-service and other-issuer tokens', () => {
    expect(reason(signRegistryToken({ ...claims, exp: now - 60 }, key))).toMatch(/expired/);
    expect(reason(signRegistryToken({ ...claims, nbf: now + 600 }, key))).toMatch(/not yet valid/);
    expect(reason(signRegistryToken({ ...claims, aud: 'another-registry' }, key))).toMatch(/audience/);
    expect(reason(signRegistryToken({ ...claims, iss: 'someone-else' }, key))).toMatch(/issuer/);
  });

  it('refuses garbage', () => {
    for (const token of ['', 'a.b', 'a.b.c.d', '!!.??.**', `${b64('[]')}.${b64('{}')}.AA`]) expect(reason(token)).not.toBe('accepted');
  });
});
