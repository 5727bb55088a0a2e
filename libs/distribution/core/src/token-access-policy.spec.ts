import { exportSigningKey, generateSigningKey, signRegistryToken, type SigningKey } from '@swr/auth';
import { IamRpc, type RpcClient, type RpcContract } from '@swr/contracts';
import { ChallengeError, TokenAccessPolicy, VerificationKeys } from './token-access-policy';

const ISSUER = 'swr-iam';
const SERVICE = 'swr-registry';

/** IAM as the gateway sees it: answers the signing keys after `delayMs`, counting the calls. */
class SlowIam implements RpcClient {
  calls = 0;
  failNext = false;
  constructor(
    private readonly key: SigningKey,
    private readonly delayMs: number,
  ) {}
  async call<Req, Res>(contract: RpcContract<Req, Res>): Promise<Res> {
    expect(contract.subject).toBe(IamRpc.signingKeysList.subject);
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('iam unavailable');
    }
    const { kid, publicPem } = exportSigningKey(this.key);
    return { issuer: ISSUER, service: SERVICE, keys: [{ kid, publicPem }] } as Res;
  }
  async close(): Promise<void> {
    return;
  }
}

function tokenFor(key: SigningKey, repository: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signRegistryToken(
    { iss: ISSUER, sub: 'user-1', aud: SERVICE, exp: now + 300, nbf: now, iat: now, jti: `${repository}-jti`, access: [{ type: 'repository', name: repository, actions: ['pull', 'push'] }] },
    key,
  );
}

const request = (token: string, repository: string) => ({ action: 'pull' as const, repository, authorization: `Bearer ${token}`, realm: 'http://registry/auth/token' });

describe('TokenAccessPolicy', () => {
  it('admits a burst of first requests while the signing keys are still being fetched, fetching them once', async () => {
    const key = generateSigningKey();
    const iam = new SlowIam(key, 50);
    const policy = new TokenAccessPolicy(new VerificationKeys(iam), { issuer: ISSUER, service: SERVICE });
    const repositories = ['team/a', 'team/b', 'team/c', 'team/d'];
    const grants = await Promise.all(repositories.map((r) => policy.authorize(request(tokenFor(key, r), r))));
    expect(grants.map((g) => g.subject)).toEqual(['user-1', 'user-1', 'user-1', 'user-1']);
    expect(iam.calls).toBe(1);
  });

  it('asks IAM again at once when the last fetch failed, rather than refusing tokens for the refresh interval', async () => {
    const key = generateSigningKey();
    const iam = new SlowIam(key, 1);
    iam.failNext = true;
    const policy = new TokenAccessPolicy(new VerificationKeys(iam), { issuer: ISSUER, service: SERVICE });
    await expect(policy.authorize(request(tokenFor(key, 'team/a'), 'team/a'))).rejects.toThrow('iam unavailable');
    await expect(policy.authorize(request(tokenFor(key, 'team/a'), 'team/a'))).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('checks a token once and answers its later requests from memory, but never past its expiry', async () => {
    const key = generateSigningKey();
    const lookups: string[] = [];
    let now = Math.floor(Date.now() / 1000);
    const policy = new TokenAccessPolicy(new VerificationKeys(new SlowIam(key, 1)), { issuer: ISSUER, service: SERVICE, onCacheLookup: (result) => lookups.push(result) }, () => now);
    const token = tokenFor(key, 'team/a');
    for (let i = 0; i < 3; i++) await expect(policy.authorize(request(token, 'team/a'))).resolves.toMatchObject({ subject: 'user-1' });
    expect(lookups).toEqual(['miss', 'hit', 'hit']);
    now += 3600;
    await expect(policy.authorize(request(token, 'team/a'))).rejects.toBeInstanceOf(ChallengeError);
    expect(lookups).toEqual(['miss', 'hit', 'hit', 'miss']);
  });

  it("does not take a token that borrows a remembered token's signature for that token, nor forget that one for it", async () => {
    const key = generateSigningKey();
    const lookups: string[] = [];
    const policy = new TokenAccessPolicy(new VerificationKeys(new SlowIam(key, 1)), { issuer: ISSUER, service: SERVICE, onCacheLookup: (result) => lookups.push(result) });
    const token = tokenFor(key, 'team/a');
    await policy.authorize(request(token, 'team/a'));
    const [, , signature] = token.split('.');
    const [header] = tokenFor(key, 'team/b').split('.');
    const claims = { iss: ISSUER, sub: 'user-2', aud: SERVICE, exp: Math.floor(Date.now() / 1000) + 300, access: [{ type: 'repository', name: 'team/b', actions: ['pull'] }] };
    const borrowed = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(policy.authorize(request(borrowed, 'team/b'))).rejects.toBeInstanceOf(ChallengeError);
    await expect(policy.authorize(request(token, 'team/a'))).resolves.toMatchObject({ subject: 'user-1' });
    expect(lookups).toEqual(['miss', 'miss', 'hit']);
  });

  it('still refuses a token signed by a key IAM does not have', async () => {
    const iam = new SlowIam(generateSigningKey(), 1);
    const policy = new TokenAccessPolicy(new VerificationKeys(iam), { issuer: ISSUER, service: SERVICE });
    const forged = tokenFor(generateSigningKey(), 'team/a');
    await expect(policy.authorize(request(forged, 'team/a'))).rejects.toBeInstanceOf(ChallengeError);
  });
});
