import { createHash, randomBytes } from 'node:crypto';
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

/** Enough of a registry client to set up what a test needs, through the registry's own API. */
export class OciClient {
  constructor(readonly url: string) {}

  request(method: string, path: string, options?: Parameters<typeof raw>[3]): Promise<RawResponse> {
    return raw(this.url, method, path, options);
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
