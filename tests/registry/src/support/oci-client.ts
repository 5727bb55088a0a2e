import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Login } from '@swr/testing';
import { raw, RawResponse } from './http';

export const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
export const sha512 = (data: Buffer | string) => `sha512:${createHash('sha512').update(data).digest('hex')}`;

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', data: Buffer.from('{}') };

export interface Pushed {
  readonly body: Buffer;
  readonly digest: string;
  readonly size: number;
}


/**
 * Enough of a registry client to set up what a test needs, through the registry's own API. Like
 * docker, it answers a Bearer challenge by fetching a token for the challenged scope (with its
 * login, or anonymously) and retrying once.
 */
export class OciClient {
  private readonly tokens = new Map<string, string>();
  /** The challenge last seen per path, so that a repeated request carries its token at once. */
  private readonly lastChallenge = new Map<string, string>();
  /** The challenge last seen per path, so that a repeated request carries its token at once. */
  constructor(
    readonly url: string,
    readonly login?: Login,
  ) {}

  async request(method: string, path: string, options: Parameters<typeof raw>[3] = {}): Promise<RawResponse> {
    const replayable = !(options.body instanceof Readable);
    const challengeKey = this.lastChallenge.get(path.split('?')[0]);
    const first = await raw(this.url, method, path, withAuth(options, challengeKey && this.tokens.get(challengeKey)));
    const challenge = first.status === 401 ? first.header('www-authenticate') : undefined;
    if (!challenge?.startsWith('Bearer ') || !replayable) return first;
    const token = await this.token(challenge);
    this.lastChallenge.set(path.split('?')[0], challenge);
    return raw(this.url, method, path, withAuth(options, token));
  }

  /** A token for what a challenge asks, fetched as docker would. */
  async token(challenge: string): Promise<string> {
    const cached = this.tokens.get(challenge);
    if (cached) return cached;
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const query = new URLSearchParams({ service: params.service });
    if (params.scope) query.set('scope', params.scope);
    const headers: Record<string, string> = {};
    if (this.login) headers.authorization = `Basic ${Buffer.from(`${this.login.username}:${this.login.password}`).toString('base64')}`;
    const realm = new URL(params.realm);
    const res = await raw(this.url, 'GET', `${realm.pathname}?${query}`, { headers });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.body}`);
    const token = res.json().token as string;
    this.tokens.set(challenge, token);
    return token;
  }

  /** The Authorization header for a scope, for requests sent without this client (cut-off bodies). */
  async authorization(scope: string): Promise<string> {
    return `Bearer ${await this.token(`Bearer realm="${this.url}/auth/token",service="swr-registry",scope="${scope}"`)}`;
  }

  async pushBlob(name: string, data: Buffer = randomBytes(1024)): Promise<Pushed> {
    const digest = sha256(data);
    const res = await this.request('POST', `/v2/${name}/blobs/uploads/?digest=${digest}`, { body: data, headers: { 'content-type': 'application/octet-stream' } });
    if (res.status !== 201) throw new Error(`blob push failed: ${res.status} ${res.body}`);
    return { body: data, digest, size: data.length };
  }

  /** An OCI image manifest over fresh blobs, pushed under `reference`. */
  async pushImage(name: string, reference: string, extra: Record<string, unknown> = {}): Promise<Pushed> {
    const config = await this.pushBlob(name, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') })));
    const layer = await this.pushBlob(name);
    return this.pushManifest(name, reference, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }],
      ...extra,
    });
  }

  async pushManifest(name: string, reference: string, manifest: object, mediaType = OCI_MANIFEST): Promise<Pushed> {
    const body = Buffer.from(JSON.stringify(manifest));
    const res = await this.request('PUT', `/v2/${name}/manifests/${reference}`, { body, headers: { 'content-type': mediaType } });
    if (res.status !== 201) throw new Error(`manifest push failed: ${res.status} ${res.body}`);
    return { body, digest: sha256(body), size: body.length };
  }

  async startUpload(name: string): Promise<string> {
    const res = await this.request('POST', `/v2/${name}/blobs/uploads/`);
    if (res.status !== 202) throw new Error(`upload start failed: ${res.status} ${res.body}`);
    return res.header('location') as string;
  }
}

function withAuth(options: Parameters<typeof raw>[3] = {}, token?: string): Parameters<typeof raw>[3] {
  if (!token || options.headers?.authorization) return options;
  return { ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } };
}

export function errorCode(res: RawResponse): string | undefined {
  try {
    return res.json().errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

let counter = 0;
/** A repository name no other test uses. */
export function uniqueName(prefix = 'conformance'): string {
  counter += 1;
  return `${prefix}${process.pid}/repo-${counter}-${randomBytes(3).toString('hex')}`;
}
