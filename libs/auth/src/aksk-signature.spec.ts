import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'node:querystring';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { isJsonContentType } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential';
import { DefaultHttpClient } from '@huaweicloud/huaweicloud-sdk-core/http/DefaultHttpClient';
import { HttpRequestBuilder } from '@huaweicloud/huaweicloud-sdk-core/http/IHttpRequestBuilder';
import {
  parseSdkAuthorization,
  SignatureError,
  verifySdkSignature,
  type ParsedAuthorization,
  type SignedRequest,
} from './aksk-signature';

const AK = 'HPUAEXAMPLEACCESSKEY1';
const SK = 'kQ8s2example/Secret+Key=0123456789abcdefg';
const ENDPOINT = 'https://swr-api.cn-north-4.myhuaweicloud.com';
const SIGNED_AT = new Date('2026-11-23T10:15:00Z');
const MINUTE = 60_000;

/** What a generated service client hands to HcClient.sendRequest. */
interface SdkCall {
  readonly method: string;
  /** The path template, e.g. /v2/manage/namespaces/{namespace}. */
  readonly url: string;
  readonly pathParams?: Record<string, string>;
  readonly queryParams?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  readonly contentType?: string;
  readonly data?: unknown;
}

/**
 * Signs `call` with the SDK's own AKSKSigner, building its request the way HcClient.buildRequest
 * and BaseCredentials.processAuthRequest do, and returns what our server receives once axios has
 * sent it: WHATWG URL path, `querystring.stringify` query, lower-cased trimmed headers, JSON body.
 */
function signWithSdk(call: SdkCall, sk = SK): SignedRequest {
  let url = call.url;
  for (const [key, value] of Object.entries(call.pathParams ?? {})) url = url.replace(`{${key}}`, value);
  const headers: Record<string, string> = { ...call.headers };
  if (call.contentType) {
    headers['content-type'] = call.contentType.toLowerCase().includes('application/json') ? 'application/json' : call.contentType;
  }
  if (!isJsonContentType(headers)) headers['X-Sdk-Content-Sha256'] = 'UNSIGNED-PAYLOAD';
  const queryParams = { ...call.queryParams };
  const request = new HttpRequestBuilder()
    .withEndpoint(`${ENDPOINT}${url}`)
    .withUrl(url)
    .withMethod(call.method)
    .withHeaders(headers)
    .withQueryParams(queryParams)
    .withData(call.data)
    .build();
  const sent = AKSKSigner.sign(request, new BasicCredentials().withAk(AK).withSk(sk)) as Record<string, string>;

  const received: Record<string, string> = { accept: 'application/json', 'user-agent': 'huaweicloud-usdk-nodejs/3.0' };
  for (const [name, value] of Object.entries(sent)) received[name.toLowerCase()] = String(value).trim();
  const body = bodyOf(call.data);
  if (body.length > 0) received['content-length'] = String(body.length);
  return {
    method: call.method,
    path: new URL(`${ENDPOINT}${url.replace(/\/$/, '')}`).pathname,
    query: stringify(queryParams as Record<string, string>),
    headers: received,
    body,
  };
}

function bodyOf(data: unknown): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(data) ? data : Buffer.from(JSON.stringify(data));
}

function parsed(request: SignedRequest): ParsedAuthorization {
  const result = parseSdkAuthorization(request);
  if (!result) throw new Error('expected an AK/SK signed request');
  return result;
}

function verify(request: SignedRequest, sk = SK, now = SIGNED_AT): boolean {
  return verifySdkSignature(request, parsed(request), sk, now);
}

const withHeaders = (request: SignedRequest, headers: Record<string, string | undefined>): SignedRequest => ({
  ...request,
  headers: { ...request.headers, ...headers },
});

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const GET_WITH_QUERY: SdkCall = {
  method: 'GET',
  url: '/v2/manage/namespaces/{namespace}/repos/{repository}/tags',
  pathParams: { namespace: 'acme', repository: 'team$web' },
  queryParams: {
    tag: ['v2', 'v10', 'latest', 'v1'],
    filter: 'namespace::acme|name::web app/frontend$1',
    offset: 0,
    'label key': 'größe 中文 😀',
    marker: '',
  },
};
const POST_JSON: SdkCall = {
  method: 'POST',
  url: '/v2/manage/namespaces',
  contentType: 'application/json;charset=UTF-8',
  data: { namespace: 'acme', description: 'équipe "web"', tags: ['a', 'b'], nested: { n: 1 } },
};
const DELETE_ARRAY: SdkCall = {
  method: 'DELETE',
  url: '/v2/manage/namespaces/{namespace}/repos/{repository}/tags',
  pathParams: { namespace: 'acme', repository: 'web' },
  contentType: 'application/json',
  data: ['v1', 'v2', 'latest'],
};

describe('AK/SK signatures of the Huawei Cloud SDK (SDK-HMAC-SHA256)', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(SIGNED_AT.getTime()));
  afterEach(() => jest.restoreAllMocks());

  describe('accepts what the SDK signs', () => {
    it('a GET with repeated, unsorted and encoded query parameters', () => {
      const request = signWithSdk(GET_WITH_QUERY);
      expect(request.headers['x-sdk-date']).toBe('20261123T101500Z');
      expect(request.query).toContain('label%20key=gr%C3%B6%C3%9Fe%20%E4%B8%AD%E6%96%87%20%F0%9F%98%80');
      expect(parsed(request)).toEqual({
        accessKey: AK,
        signedHeaders: ['host', 'x-sdk-date'],
        signature: expect.stringMatching(/^[0-9a-f]{64}$/),
        date: SIGNED_AT,
      });
      expect(verify(request)).toBe(true);
    });

    it('a POST with a JSON body', () => {
      const request = signWithSdk(POST_JSON);
      expect(parsed(request).signedHeaders).toEqual(['content-type', 'host', 'x-sdk-date']);
      expect(verify(request)).toBe(true);
    });

    it('a DELETE with a JSON array body', () => {
      expect(verify(signWithSdk(DELETE_ARRAY))).toBe(true);
    });

    it.each([
      ['a $ (the SWR stand-in for / in repository names)', 'team$web'],
      ['an escaped $ (%24), which the SDK signs escaped twice', 'team%24web'],
      ['characters url.parse escapes and WHATWG URL does not', "it's|a^b"],
      ['characters both escape', 'a b"c`d{e}<f>'],
      ['sub-delimiters', "x!*()+,;=:@&~"],
      ['non-ASCII characters', 'équipe中文😀'],
      ['literal escapes of non-ASCII bytes', '%E4%B8%AD%e4'],
    ])('a path with %s', (_name, repository) => {
      const request = signWithSdk({ method: 'GET', url: '/v2/manage/namespaces/acme/repos/{repository}', pathParams: { repository } });
      expect(verify(request)).toBe(true);
    });

    it('a path ending in / and the root path', () => {
      expect(verify(signWithSdk({ method: 'GET', url: '/v2/manage/namespaces/' }))).toBe(true);
      expect(verify(signWithSdk({ method: 'GET', url: '/' }))).toBe(true);
    });

    it('extra signed headers, such as X-Project-Id and X-Security-Token', () => {
      const request = signWithSdk({
        ...GET_WITH_QUERY,
        headers: { 'X-Project-Id': '0a1b2c3d', 'X-Security-Token': 'gQpwb...token', 'X-Custom': 'inner  spaces, kept' },
      });
      expect(parsed(request).signedHeaders).toEqual(['host', 'x-custom', 'x-project-id', 'x-sdk-date', 'x-security-token']);
      expect(verify(request)).toBe(true);
    });

    it('headers the SDK sorts differently in SignedHeaders and in the canonical headers', () => {
      const request = signWithSdk({ method: 'GET', url: '/v2/x', headers: { 'x-a_b': '1', 'x-a-b': '2' } });
      expect(parsed(request).signedHeaders).toEqual(['host', 'x-a-b', 'x-a_b', 'x-sdk-date']);
      expect(verify(request)).toBe(true);
    });

    it('an upload signed as UNSIGNED-PAYLOAD, whatever its body', () => {
      const request = signWithSdk({ method: 'PUT', url: '/v2/blobs', contentType: 'application/octet-stream', data: Buffer.from('layer') });
      expect(request.headers['x-sdk-content-sha256']).toBe('UNSIGNED-PAYLOAD');
      expect(parsed(request).signedHeaders).toContain('x-sdk-content-sha256');
      expect(verify(request)).toBe(true);
      expect(verify({ ...request, body: Buffer.from('another layer') })).toBe(true);
    });

    it('a declared X-Sdk-Content-Sha256 that is the hash of the body', () => {
      const body = JSON.stringify(POST_JSON.data);
      const request = signWithSdk({ ...POST_JSON, headers: { 'X-Sdk-Content-Sha256': sha256(body) } });
      expect(verify(request)).toBe(true);
      expect(verify({ ...request, body: Buffer.from(body.replace('acme', 'evil')) })).toBe(false);
    });

    it('query keys in another order, and a repeated key with its values reordered', () => {
      const request = signWithSdk(GET_WITH_QUERY);
      const reordered = request.query.split('&').reverse().join('&');
      expect(reordered).not.toBe(request.query);
      expect(verify({ ...request, query: reordered })).toBe(true);
    });

    it('a query that spells a space as +', () => {
      const request = signWithSdk({ method: 'GET', url: '/v2/x', queryParams: { q: 'a b' } });
      expect(verify({ ...request, query: 'q=a+b' })).toBe(true);
    });

    it('a date up to 15 minutes off either way', () => {
      const request = signWithSdk(POST_JSON);
      expect(verify(request, SK, new Date(SIGNED_AT.getTime() + 15 * MINUTE))).toBe(true);
      expect(verify(request, SK, new Date(SIGNED_AT.getTime() - 15 * MINUTE))).toBe(true);
    });
  });

  describe('rejects', () => {
    it('a signature made with another secret key', () => {
      expect(verify(signWithSdk(POST_JSON), 'another-secret-key')).toBe(false);
      expect(verify(signWithSdk(POST_JSON, 'another-secret-key'))).toBe(false);
    });

    it('an X-Sdk-Date 16 minutes in the past or in the future', () => {
      const request = signWithSdk(POST_JSON);
      const late = new Date(SIGNED_AT.getTime() + 16 * MINUTE);
      const early = new Date(SIGNED_AT.getTime() - 16 * MINUTE);
      expect(() => verify(request, SK, late)).toThrow(SignatureError);
      expect(() => verify(request, SK, late)).toThrow("the request's X-Sdk-Date is 16 minutes off");
      expect(() => verify(request, SK, early)).toThrow(/16 minutes off \(ahead of the server clock/);
    });

    it('a tampered body', () => {
      const request = signWithSdk(POST_JSON);
      expect(verify({ ...request, body: Buffer.from(request.body.toString().replace('acme', 'evil')) })).toBe(false);
      expect(verify({ ...request, body: Buffer.alloc(0) })).toBe(false);
      expect(verify({ ...signWithSdk(DELETE_ARRAY), body: Buffer.from('["v1"]') })).toBe(false);
    });

    it('a changed query value, an added query key, or a dropped one', () => {
      const request = signWithSdk(GET_WITH_QUERY);
      expect(verify({ ...request, query: request.query.replace('offset=0', 'offset=1') })).toBe(false);
      expect(verify({ ...request, query: `${request.query}&limit=1` })).toBe(false);
      expect(verify({ ...request, query: request.query.replace('&offset=0', '') })).toBe(false);
      expect(verify({ ...request, query: request.query.replace('tag=v1&', '') })).toBe(false);
    });

    it('a changed path, method or signed header value', () => {
      const request = signWithSdk(DELETE_ARRAY);
      expect(verify({ ...request, path: request.path.replace('/web/', '/api/') })).toBe(false);
      expect(verify({ ...request, path: `${request.path}/` })).toBe(true); // the SDK signs both with a trailing '/'
      expect(verify({ ...request, method: 'POST' })).toBe(false);
      expect(verify(withHeaders(request, { host: 'evil.example.com' }))).toBe(false);
      expect(verify(withHeaders(request, { 'content-type': 'text/plain' }))).toBe(false);
    });

    it('a $ in the path presented as %24, and the other way round', () => {
      const dollar = signWithSdk({ method: 'GET', url: '/v2/repos/{repository}', pathParams: { repository: 'team$web' } });
      const escaped = signWithSdk({ method: 'GET', url: '/v2/repos/{repository}', pathParams: { repository: 'team%24web' } });
      expect(verify({ ...dollar, path: escaped.path })).toBe(false);
      expect(verify({ ...escaped, path: dollar.path })).toBe(false);
    });

    it('a declared X-Sdk-Content-Sha256 that is not the hash of the body', () => {
      const request = signWithSdk({ ...POST_JSON, headers: { 'X-Sdk-Content-Sha256': sha256('something else') } });
      expect(verify(request)).toBe(false);
    });

    it('a signed header missing from the request', () => {
      const request = withHeaders(signWithSdk(POST_JSON), { 'content-type': undefined });
      expect(() => parseSdkAuthorization(request)).toThrow(new SignatureError('signed headers absent from the request: content-type'));
    });

    it('SignedHeaders without host or without x-sdk-date', () => {
      const request = signWithSdk(POST_JSON);
      const authorization = String(request.headers['authorization']);
      for (const [dropped, signedHeaders] of [['host', 'content-type;x-sdk-date'], ['x-sdk-date', 'content-type;host']]) {
        const changed = withHeaders(request, { authorization: authorization.replace(/SignedHeaders=[^,]+/, `SignedHeaders=${signedHeaders}`) });
        expect(() => parseSdkAuthorization(changed)).toThrow(new SignatureError(`SignedHeaders must include ${dropped}`));
      }
    });

    it('a request without X-Sdk-Date or with a badly formatted one', () => {
      const request = signWithSdk(POST_JSON);
      expect(() => parseSdkAuthorization(withHeaders(request, { 'x-sdk-date': undefined }))).toThrow(/no X-Sdk-Date header/);
      for (const date of ['2026-11-23T10:15:00Z', '20261123T101500', '20261323T101500Z', '20260230T101500Z', '20261123T246000Z', '']) {
        expect(() => parseSdkAuthorization(withHeaders(request, { 'x-sdk-date': date }))).toThrow(SignatureError);
      }
    });

    it('a request that is not AK/SK signed at all: undefined, for the other guards to judge', () => {
      const request = signWithSdk(POST_JSON);
      expect(parseSdkAuthorization(withHeaders(request, { authorization: undefined }))).toBeUndefined();
      expect(parseSdkAuthorization(withHeaders(request, { authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.c2ln' }))).toBeUndefined();
      expect(parseSdkAuthorization(withHeaders(request, { authorization: 'Basic YWxpY2U6c2VjcmV0' }))).toBeUndefined();
      expect(parseSdkAuthorization(withHeaders(request, { authorization: 'SDK-HMAC-SHA512 Access=a, SignedHeaders=host, Signature=00' }))).toBeUndefined();
    });

    it.each([
      ['no parameters', 'SDK-HMAC-SHA256'],
      ['no signature', 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date'],
      ['no access key', `SDK-HMAC-SHA256 SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}`],
      ['a signature that is not hex', `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=${'z'.repeat(64)}`],
      ['a short signature', 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abcdef'],
      ['an unknown parameter', `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}, Region=x`],
      ['a repeated parameter', `SDK-HMAC-SHA256 Access=AK, Access=BK, SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}`],
      ['upper-case signed header names', `SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;X-Sdk-Date, Signature=${'a'.repeat(64)}`],
      ['an empty signed header name', `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature=${'a'.repeat(64)}`],
      ['no separating commas', `SDK-HMAC-SHA256 Access=AK SignedHeaders=host;x-sdk-date Signature=${'a'.repeat(64)}`],
    ])('a malformed Authorization: %s', (_name, authorization) => {
      const request = withHeaders(signWithSdk(POST_JSON), { authorization });
      expect(() => parseSdkAuthorization(request)).toThrow(SignatureError);
    });
  });
});

describe('AK/SK signatures of requests sent by the SDK over HTTP', () => {
  let server: Server;
  let endpoint: string;
  let received: SignedRequest | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        // What a Fastify guard sees through request.raw.url, request.headers and the raw body.
        const url = req.url ?? '/';
        const question = url.indexOf('?');
        received = {
          method: req.method ?? 'GET',
          path: question < 0 ? url : url.slice(0, question),
          query: question < 0 ? '' : url.slice(question + 1),
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function sendWithSdk(call: SdkCall): Promise<SignedRequest> {
    const client = new HcClient(new DefaultHttpClient({}, [endpoint]))
      .withCredential(new BasicCredentials().withAk(AK).withSk(SK))
      .withEndpoints([endpoint]);
    received = undefined;
    await client.sendRequest({
      method: call.method,
      url: call.url,
      pathParams: call.pathParams ?? {},
      queryParams: call.queryParams ?? {},
      headers: { ...call.headers },
      contentType: call.contentType ?? '',
      data: call.data as Record<string, unknown> | undefined,
    });
    if (!received) throw new Error('the server received nothing');
    return received;
  }

  it.each<[string, SdkCall]>([
    ['GET with a query', GET_WITH_QUERY],
    ['POST with a JSON body', POST_JSON],
    ['DELETE with a JSON array body', DELETE_ARRAY],
    ['a path with $ and %24', { method: 'GET', url: '/v2/{a}/{b}', pathParams: { a: 'team$web', b: 'team%24web' } }],
    ['a path with quotes, | and ^', { method: 'GET', url: '/v2/{a}', pathParams: { a: "it's|a^b c" } }],
    ['a path with non-ASCII characters', { method: 'GET', url: '/v2/{a}', pathParams: { a: 'équipe中文😀' } }],
    ['an upload', { method: 'PUT', url: '/v2/blobs', contentType: 'application/octet-stream', data: Buffer.from('layer') }],
  ])('%s', async (_name, call) => {
    const request = await sendWithSdk(call);
    const authorization = parsed(request);
    expect(authorization.accessKey).toBe(AK);
    expect(verifySdkSignature(request, authorization, SK, new Date())).toBe(true);
    expect(verifySdkSignature(request, authorization, 'another-secret-key', new Date())).toBe(false);
  });
});
