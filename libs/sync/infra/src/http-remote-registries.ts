import { peerProof, PEER_LOGIN_PREFIX } from '@swr/auth';
import type { ByteRange, OpenBlob } from '@swr/blob-store';
import type { RemoteRegistries, RemoteRepository, RemoteUpload } from '@swr/sync-core';
import { SyncRefused } from '@swr/sync-core';
import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A request's body: a buffer, or a blob streamed from the store. */
type Body = Buffer | OpenBlob;
/** A body to send: a buffer, or a blob opened only when the request goes (and again if it must go twice). */
type Content = Buffer | (() => Promise<OpenBlob>);

interface Token {
  readonly value: string;
  /** Renewed a minute before it runs out, so that a long chunked upload never sends a body with an expired one. */
  readonly renewAt: number;
}

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** The remote's error message, from its OCI error JSON, short enough for a job's detail. */
function remoteMessage(answer: Answer): string {
  try {
    const json = JSON.parse(answer.body.toString('utf8')) as { errors?: Array<{ message?: string }>; message?: string; details?: string };
    return (json.errors?.[0]?.message ?? json.details ?? json.message ?? '').slice(0, 300);
  } catch {
    return answer.body.toString('utf8').slice(0, 300);
  }
}

function challengeOf(header: string | undefined): { realm: string; service: string } | undefined {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1].toLowerCase(), m[2]]));
  return params.realm ? { realm: params.realm, service: params.service ?? '' } : undefined;
}

/**
 * Other regions' registries, reached over the OCI distribution protocol as any client reaches
 * them, through one keep-alive agent per scheme. The sync worker signs in at the region's token
 * endpoint as the peer of the account (a proof made with SWR_SYNC_PEER_KEY), and only at an endpoint
 * of the region's own origin: credentials never go where the operator did not point.
 */
export class HttpRemoteRegistries implements RemoteRegistries {
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }) };

  constructor(private readonly peerKey: Buffer | undefined) {}

  open(baseUrl: string, accountName: string, repository: string, mountFrom: readonly string[], signal: AbortSignal): RemoteRepository {
    return new HttpRemoteRepository(this, new URL(baseUrl), accountName, repository, mountFrom, signal);
  }

  /** One HTTP exchange; the body, when any, streamed with the given length. */
  exchange(url: URL, method: string, headers: OutgoingHttpHeaders, body: Body | undefined, signal: AbortSignal): Promise<Answer> {
    const client = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
    return new Promise<Answer>((resolve, reject) => {
      const request = client.request(url, { method, headers, agent, signal }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      request.on('error', reject);
      if (body === undefined) request.end();
      else if (Buffer.isBuffer(body)) request.end(body);
      // A remote that answers before reading the whole body (a refusal) ends the exchange; the answer tells why.
      else body.sendTo(request).catch((error: unknown) => request.destroy(error instanceof Error ? error : new Error(String(error))));
    });
  }

  token(realm: URL, service: string, accountName: string, scopes: readonly string[], signal: AbortSignal): Promise<Answer> {
    if (!this.peerKey) throw new SyncRefused('SWR_SYNC_PEER_KEY is not set in this region: it cannot sign in at another');
    const url = new URL(realm);
    url.searchParams.set('service', service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const basic = Buffer.from(`${PEER_LOGIN_PREFIX}${accountName}:${peerProof(this.peerKey, accountName)}`).toString('base64');
    return this.exchange(url, 'GET', { authorization: `Basic ${basic}` }, undefined, signal);
  }
}

class HttpRemoteRepository implements RemoteRepository {
  private token?: Token;

  constructor(
    private readonly client: HttpRemoteRegistries,
    private readonly base: URL,
    private readonly accountName: string,
    private readonly repository: string,
    private readonly mountFrom: readonly string[],
    private readonly signal: AbortSignal,
  ) {}

  private get where(): string {
    return `${this.base.origin} (${this.repository})`;
  }

  async manifestDigest(reference: string): Promise<string | undefined> {
    const answer = await this.call('HEAD', `/v2/${this.repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    if (answer.status === 404) return undefined;
    this.expect(answer, [200], `HEAD manifest ${reference}`);
    const digest = answer.headers['docker-content-digest'];
    if (typeof digest === 'string') return digest;
    // A registry that does not name the digest: the manifest's own bytes do.
    const manifest = await this.call('GET', `/v2/${this.repository}/manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    this.expect(manifest, [200], `GET manifest ${reference}`);
    return `sha256:${createHash('sha256').update(manifest.body).digest('hex')}`;
  }

  async hasBlob(digest: string): Promise<boolean> {
    const answer = await this.call('HEAD', `/v2/${this.repository}/blobs/${digest}`);
    if (answer.status === 404) return false;
    this.expect(answer, [200], `HEAD blob ${digest}`);
    return true;
  }

  async mountBlob(digest: string, from: string): Promise<boolean> {
    const query = new URLSearchParams({ mount: digest, from });
    const answer = await this.call('POST', `/v2/${this.repository}/blobs/uploads/?${query.toString()}`, { 'content-length': 0 });
    this.expect(answer, [201, 202], `mount of ${digest}`);
    if (answer.status === 202) await this.call('DELETE', this.location(answer).pathname + this.location(answer).search);
    return answer.status === 201;
  }

  async startUpload(): Promise<RemoteUpload> {
    const answer = await this.call('POST', `/v2/${this.repository}/blobs/uploads/`, { 'content-length': 0 });
    this.expect(answer, [202], 'upload start');
    return { location: this.location(answer).toString() };
  }

  async uploadOffset(upload: RemoteUpload): Promise<number | undefined> {
    const url = new URL(upload.location);
    const answer = await this.call('GET', url.pathname + url.search);
    if (answer.status === 404) return undefined;
    this.expect(answer, [204], 'upload status');
    // `0-0` is how registries answer both nothing and one byte received: sending that byte again costs nothing.
    const end = /^(?:bytes=)?0-(\d+)$/.exec(String(answer.headers.range ?? ''));
    return end && Number(end[1]) > 0 ? Number(end[1]) + 1 : 0;
  }

  async sendChunk(upload: RemoteUpload, blob: () => Promise<OpenBlob>, range: ByteRange): Promise<RemoteUpload> {
    const url = new URL(upload.location);
    const answer = await this.call('PATCH', url.pathname + url.search, {
      'content-type': 'application/octet-stream',
      'content-length': range.end - range.start + 1,
      'content-range': `${range.start}-${range.end}`,
    }, blob);
    this.expect(answer, [202], `chunk ${range.start}-${range.end}`);
    return { location: this.location(answer).toString() };
  }

  async sendWhole(upload: RemoteUpload, blob: () => Promise<OpenBlob>, size: number, digest: string): Promise<void> {
    const answer = await this.call('PUT', this.withDigest(upload, digest), { 'content-type': 'application/octet-stream', 'content-length': size }, blob);
    this.expect(answer, [201], `upload of ${digest}`);
  }

  async finishUpload(upload: RemoteUpload, digest: string): Promise<void> {
    const answer = await this.call('PUT', this.withDigest(upload, digest), { 'content-length': 0 });
    this.expect(answer, [201], `upload of ${digest}`);
  }

  async putManifest(reference: string, mediaType: string, content: Buffer): Promise<void> {
    const answer = await this.call('PUT', `/v2/${this.repository}/manifests/${reference}`, { 'content-type': mediaType, 'content-length': content.length }, content);
    this.expect(answer, [201], `manifest ${reference}`);
  }

  private withDigest(upload: RemoteUpload, digest: string): string {
    const url = new URL(upload.location);
    url.searchParams.set('digest', digest);
    return url.pathname + url.search;
  }

  private location(answer: Answer): URL {
    const location = answer.headers.location;
    if (typeof location !== 'string') throw new Error(`${this.where} answered ${answer.status} without a Location`);
    const url = new URL(location, this.base);
    if (url.origin !== this.base.origin) throw new SyncRefused(`${this.where} sent an upload to another origin (${url.origin})`);
    return url;
  }

  /** A request with the account's token, signed in again and sent once more on a 401; a blob is opened only when its request goes. */
  private async call(method: string, pathAndQuery: string, headers: OutgoingHttpHeaders = {}, content?: Content): Promise<Answer> {
    const url = new URL(pathAndQuery, this.base);
    const send = async () => {
      const body = typeof content === 'function' ? await content() : content;
      return this.client.exchange(url, method, { ...headers, authorization: `Bearer ${this.token?.value}` }, body, this.signal);
    };
    if (!this.token || Date.now() >= this.token.renewAt) await this.signIn();
    const answer = await send();
    if (answer.status !== 401) return answer;
    await this.signIn();
    return send();
  }

  private async signIn(): Promise<void> {
    const ping = await this.client.exchange(new URL('/v2/', this.base), 'GET', {}, undefined, this.signal);
    const challenge = challengeOf(ping.headers['www-authenticate'] as string | undefined);
    if (ping.status !== 401 || !challenge) throw new SyncRefused(`${this.base.origin} is not a registry that asks for tokens (GET /v2/ answered ${ping.status})`);
    const realm = new URL(challenge.realm, this.base);
    if (realm.origin !== this.base.origin) throw new SyncRefused(`${this.base.origin} sends its token requests to another origin (${realm.origin}); the peer key is not sent there`);
    const scopes = [`repository:${this.repository}:pull,push`, ...this.mountFrom.map((from) => `repository:${from}:pull`)];
    const answer = await this.client.token(realm, challenge.service, this.accountName, scopes, this.signal);
    if (answer.status === 401 || answer.status === 403) throw new SyncRefused(`${this.base.origin} refused the sync peer for account ${this.accountName}: ${remoteMessage(answer)}`);
    if (answer.status !== 200) throw new Error(`${this.base.origin} token endpoint answered ${answer.status}: ${remoteMessage(answer)}`);
    const json = JSON.parse(answer.body.toString('utf8')) as { token?: string; access_token?: string; expires_in?: number };
    const value = json.token ?? json.access_token;
    if (!value) throw new Error(`${this.base.origin} token endpoint answered without a token`);
    this.token = { value, renewAt: Date.now() + Math.max((json.expires_in ?? 60) - 60, 10) * 1000 };
  }

  /** A refusal (401/403 with a fresh token, or another 4xx) cannot be fixed by trying again; a 5xx may be. */
  private expect(answer: Answer, wanted: readonly number[], what: string): void {
    if (wanted.includes(answer.status)) return;
    const message = `${this.where}: ${what} answered ${answer.status} ${remoteMessage(answer)}`.trim();
    if (answer.status === 401 || answer.status === 403) {
      throw new SyncRefused(`${this.where} denied account ${this.accountName} push there: the organization belongs to another account in that region, or the account may not create it (${message})`);
    }
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 404 && answer.status !== 408 && answer.status !== 429) throw new SyncRefused(message);
    throw new Error(message);
  }
}
