import type { AccessGrant, AccessRequest } from '@swr/distribution-core';
import { ChallengeError } from '@swr/distribution-core';
import { currentCall } from '@swr/messaging';
import { OciError } from '@swr/oci';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegistryServices } from './registry-http';
import { AnsweredRead, registryReads } from './registry-reads';

const MANIFEST = Buffer.from('{"schemaVersion":2}');
const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('registry reads, answered before the framework', () => {
  let server: Server;
  let base: string;
  const answered: AnsweredRead[] = [];
  const logged: { error: unknown; requestId?: string }[] = [];
  const callsSeen: (string | undefined)[] = [];
  const counted: string[] = [];

  const grant: AccessGrant = { subject: 'u1', account: 'a1', accountName: 'acme', userName: 'alice' } as AccessGrant;
  const services = {
    access: {
      authorize: async (request: AccessRequest) => {
        if (!request.authorization) throw new ChallengeError('authentication required', `Bearer realm="${request.realm}"`);
        return grant;
      },
    },
    manifests: {
      get: async (_repository: string, reference: string, withContent: boolean) => {
        callsSeen.push(currentCall()?.requestId);
        if (reference === 'broken') throw new Error('the database is gone');
        if (/^t\d+$/.test(reference)) {
          const content = Buffer.from(`{"tag":"${reference}"}`);
          return { digest: `sha256:${reference}`, mediaType: 'application/json', size: content.length, content };
        }
        if (reference === 'unsendable') return { digest: DIGEST, mediaType: 'text/plain\r\nx-injected: 1', size: MANIFEST.length, content: MANIFEST };
        if (reference !== 'v1') throw new OciError('MANIFEST_UNKNOWN', 'manifest unknown');
        return { digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: MANIFEST.length, content: withContent ? MANIFEST : undefined };
      },
    },
    reads: { stat: async () => 4096 },
    downloads: { count: (name: string) => counted.push(name) },
    log: (error: unknown) => logged.push({ error, requestId: currentCall()?.requestId }),
  } as unknown as RegistryServices;

  beforeAll(async () => {
    const reads = registryReads(services, (answer) => answered.push(answer));
    server = createServer((request, response) => {
      if (!reads(request, response)) response.writeHead(418).end('framework');
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((closed) => server.close(closed)));
  beforeEach(() => {
    answered.length = 0;
    logged.length = 0;
    callsSeen.length = 0;
    counted.length = 0;
  });

  const authorized = { authorization: 'Bearer t' };

  it('serves a manifest with its digest, size and a request id, outside any call, and counts the pull', async () => {
    const answer = await fetch(`${base}/v2/acme/app/manifests/v1`, { headers: authorized });
    expect(answer.status).toBe(200);
    expect(Buffer.from(await answer.arrayBuffer())).toEqual(MANIFEST);
    expect(answer.headers.get('docker-content-digest')).toBe(DIGEST);
    expect(answer.headers.get('content-length')).toBe(String(MANIFEST.length));
    expect(answer.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(callsSeen).toEqual([undefined]);
    expect(counted).toEqual(['acme/app']);
    expect(answered).toEqual([expect.objectContaining({ method: 'GET', route: '/v2/{name}/manifests/{reference}', status: 200, responseBytes: MANIFEST.length })]);
  });

  it('answers many reads at once, each with its own answer', async () => {
    const tags = Array.from({ length: 64 }, (_, i) => `t${i}`);
    const answers = await Promise.all(tags.map((tag) => fetch(`${base}/v2/acme/app/manifests/${tag}`, { headers: authorized })));
    expect(answers.map((a) => a.status)).toEqual(tags.map(() => 200));
    expect(answers.map((a) => a.headers.get('docker-content-digest'))).toEqual(tags.map((tag) => `sha256:${tag}`));
    expect(await Promise.all(answers.map((a) => a.json()))).toEqual(tags.map((tag) => ({ tag })));
  });

  it('answers HEAD of a blob with its size and no body, and does not count a pull', async () => {
    const answer = await fetch(`${base}/v2/acme/app/blobs/${DIGEST}`, { method: 'HEAD', headers: authorized });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-length')).toBe('4096');
    expect(await answer.text()).toBe('');
    expect(counted).toEqual([]);
    expect(answered).toEqual([expect.objectContaining({ method: 'HEAD', route: '/v2/{name}/blobs/{digest}', status: 200, responseBytes: 0 })]);
  });

  it('challenges a read without a token in the OCI format', async () => {
    const answer = await fetch(`${base}/v2/acme/app/manifests/v1`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/auth\/token"$/);
    expect(await answer.json()).toEqual({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
  });

  it('answers an unknown manifest as the spec does, and logs nothing', async () => {
    const answer = await fetch(`${base}/v2/acme/app/manifests/v2`, { headers: authorized });
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
    expect(logged).toEqual([]);
  });

  it('logs an unexpected failure under the request id the caller was given, and answers 500 without its detail', async () => {
    const answer = await fetch(`${base}/v2/acme/app/manifests/broken`, { headers: authorized });
    expect(answer.status).toBe(500);
    expect(await answer.json()).toEqual({ errors: [{ code: 'UNKNOWN', message: 'internal error' }] });
    expect(logged).toEqual([{ error: new Error('the database is gone'), requestId: answer.headers.get('x-request-id') }]);
  });

  it("answers 500 for a header Node refuses to send, with none of that answer's headers, and goes on serving", async () => {
    const answer = await fetch(`${base}/v2/acme/app/manifests/unsendable`, { headers: authorized });
    expect(answer.status).toBe(500);
    expect(answer.headers.get('x-injected')).toBeNull();
    expect(answer.headers.get('docker-content-digest')).toBeNull();
    expect(await answer.json()).toEqual({ errors: [{ code: 'UNKNOWN', message: 'internal error' }] });
    expect(logged).toHaveLength(1);
    expect((await fetch(`${base}/v2/acme/app/manifests/v1`, { headers: authorized })).status).toBe(200);
  });

  it('leaves writes, the management API and other paths to the framework', async () => {
    const paths = [
      ['DELETE', '/v2/acme/app/manifests/v1'],
      ['GET', '/v2/manage/namespaces'],
      ['GET', '/v2/manage'],
      ['HEAD', '/v2/manage?x=1'],
      ['GET', '/v2'],
      ['GET', '/healthz'],
    ];
    for (const [method, path] of paths) expect([method, path, (await fetch(`${base}${path}`, { method })).status]).toEqual([method, path, 418]);
    expect(answered).toEqual([]);
  });

  it('serves the base endpoint and refuses a GET of the uploads endpoint, in the OCI format', async () => {
    const ping = await fetch(`${base}/v2/`, { headers: authorized });
    expect([ping.status, await ping.text()]).toEqual([200, '{}']);
    const uploads = await fetch(`${base}/v2/acme/app/blobs/uploads/`, { headers: authorized });
    expect(uploads.status).toBe(405);
    expect(await uploads.json()).toEqual({ errors: [{ code: 'UNSUPPORTED', message: 'GET is not supported here' }] });
  });
});
