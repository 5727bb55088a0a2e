import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { raw } from './support/http';
import { OciClient, sha256, uniqueName } from './support/oci-client';
import { describeAuditTrail } from './support/audit-suite';
import { describeGarbageCollection } from './support/gc-suite';
import { describeRetention } from './support/retention-suite';
import { S3BlobStore } from '@swr/storage';
import { Client } from 'minio';
import { describeTriggers } from './support/trigger-suite';
import { describeOfficialSdk } from './support/sdk-suite';
import { describeSwrFidelity } from './support/swr-fidelity';
import { describeOciConformance } from './support/oci-conformance';
import { describeIamAndLogins } from './support/iam-suite';
import { describeManagementApi } from './support/manage-suite';
import { describeRealClients } from './support/real-clients';
import { RegistryUnderTest, run, startDistributedRegistry, tempDir } from '@swr/testing';

/** Polls for up to half a second: the bound on how long a replica may serve a read the cluster has moved past. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 500;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    value = await read();
  }
  return value;
}

describe('distributed registry: two gateways, two metadata replicas, NATS, PostgreSQL, S3', () => {
  let registry: RegistryUnderTest & Awaited<ReturnType<typeof startDistributedRegistry>>;
  beforeAll(async () => {
    registry = await startDistributedRegistry({ gateways: 2, metadataReplicas: 2, retentionReplicas: 2, metadataEnv: { SWR_GC_GRACE_SECONDS: '0', SWR_GC_UPLOAD_TTL_SECONDS: '1' } });
  }, 120_000);
  afterAll(() => registry?.stop(), 60_000);

  describeOciConformance(() => registry);

  describe('real clients', () => describeRealClients(() => registry));

  describe('IAM and logins', () => describeIamAndLogins(() => registry));

  describe('management API', () => describeManagementApi(() => registry));

  describe('audit trail', () => describeAuditTrail(() => registry));

  describe('triggers and webhooks', () => describeTriggers(() => registry));

  describe('the official Huawei Cloud SDK', () => describeOfficialSdk(() => registry));

  describe('fidelity to SWR', () => describeSwrFidelity(() => registry));

  describe('retention policies, by either of two retention workers', () => describeRetention(() => registry));

  it('serves through one gateway what was pushed through the other', async () => {
    const [first, second] = registry.gateways.map((g) => new OciClient(g.url, registry.admin));
    const name = uniqueName('crossgw');
    const image = await first.pushImage(name, 'v1');
    const got = await second.request('GET', `/v2/${name}/manifests/v1`);
    expect(got.status).toBe(200);
    expect(got.body.equals(image.body)).toBe(true);
    const layer = JSON.parse(image.body.toString()).layers[0].digest;
    expect(sha256((await second.request('GET', `/v2/${name}/blobs/${layer}`)).body)).toBe(layer);
  });

  it('serves a moved or deleted tag fresh from either gateway, whichever metadata replica answers', async () => {
    const [first, second] = registry.gateways.map((g) => new OciClient(g.url, registry.admin));
    const name = uniqueName('coherence');
    const images = [await first.pushImage(name, 'scratch-a'), await first.pushImage(name, 'scratch-b')];
    for (let round = 0; round < 10; round++) {
      const image = images[round % 2];
      await first.pushManifest(name, 'moving', JSON.parse(image.body.toString()));
      // Within a moment every replica has heard of the move; reads before it would be stale.
      const seen = await eventually(async () => (await second.request('HEAD', `/v2/${name}/manifests/moving`)).header('docker-content-digest'), image.digest);
      expect(seen).toBe(image.digest);
      // The other replica hears of it on its own event loop, a moment after the one that answered.
      await new Promise((r) => setTimeout(r, 100));
      for (let read = 0; read < 4; read++) expect((await second.request('HEAD', `/v2/${name}/manifests/moving`)).header('docker-content-digest')).toBe(image.digest);
    }
    await first.request('DELETE', `/v2/${name}/manifests/moving`);
    expect(await eventually(async () => (await second.request('HEAD', `/v2/${name}/manifests/moving`)).status, 404)).toBe(404);
  });

  it('spreads chunks of one upload over both gateways with no sticky routing', async () => {
    const [first, second] = registry.gateways.map((g) => new OciClient(g.url, registry.admin));
    const name = uniqueName('roundrobin');
    const data = randomBytes(6 * 64 * 1024);
    const location = await first.startUpload(name);
    for (let i = 0; i < 6; i++) {
      const chunk = data.subarray(i * 65536, (i + 1) * 65536);
      const via = i % 2 === 0 ? second : first;
      const res = await via.request('PATCH', location, { body: chunk, headers: { 'content-range': `${i * 65536}-${(i + 1) * 65536 - 1}` } });
      expect(res.status).toBe(202);
    }
    expect((await second.request('PUT', `${location}?digest=${sha256(data)}`)).status).toBe(201);
    expect((await first.request('GET', `/v2/${name}/blobs/${sha256(data)}`)).body.equals(data)).toBe(true);
  });

  it('appends chunks sent without a range where the upload ends, whichever gateway moved it last', async () => {
    // Each gateway remembers where it left the upload; the other one has moved it on in between.
    const [first, second] = registry.gateways.map((g) => new OciClient(g.url, registry.admin));
    const name = uniqueName('unranged');
    const data = randomBytes(5 * 40_000);
    const location = await first.startUpload(name);
    for (const [i, via] of [first, first, second, first, second].entries()) {
      const res = await via.request('PATCH', location, { body: data.subarray(i * 40_000, (i + 1) * 40_000) });
      expect(res.status).toBe(202);
      expect(res.header('range')).toBe(`0-${(i + 1) * 40_000 - 1}`);
    }
    expect((await first.request('PUT', `${location}?digest=${sha256(data)}`)).status).toBe(201);
    expect((await second.request('GET', `/v2/${name}/blobs/${sha256(data)}`)).body.equals(data)).toBe(true);
  });

  it('refuses a chunk for an upload cancelled through the other gateway, and keeps none of its bytes', async () => {
    const [first, second] = registry.gateways.map((g) => new OciClient(g.url, registry.admin));
    const name = uniqueName('cancelled');
    const location = await first.startUpload(name);
    expect((await first.request('PATCH', location, { body: randomBytes(30_000) })).status).toBe(202);
    expect((await second.request('DELETE', location)).status).toBe(204);

    const late = await first.request('PATCH', location, { body: randomBytes(30_000) });
    expect(late.status).toBe(404);
    expect(late.json().errors[0].code).toBe('BLOB_UPLOAD_UNKNOWN');
    const id = location.split('/').pop()!.split('?')[0];
    const s3 = new Client({ endPoint: registry.s3.endPoint, port: registry.s3.port, useSSL: false, accessKey: registry.s3.accessKey, secretKey: registry.s3.secretKey });
    const left: string[] = [];
    for await (const item of s3.listObjectsV2('swr-e2e', `uploads/${id}/`, true)) if (item.name) left.push(item.name);
    expect(left).toEqual([]);
  });

  it('answers blob GETs with a redirect to a presigned S3 URL when SWR_S3_REDIRECT is on, whole and ranged', async () => {
    const redirecting = await registry.startGateway({ SWR_S3_REDIRECT: 'true' });
    const client = new OciClient(redirecting.url, registry.admin);
    const name = uniqueName('redirect');
    const data = randomBytes(200_000);
    const blob = await client.pushBlob(name, data);
    const whole = await client.request('GET', `/v2/${name}/blobs/${blob.digest}`);
    expect(whole.status).toBe(307);
    const location = new URL(whole.header('location') as string);
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const fetched = await raw(location.origin, 'GET', location.pathname + location.search);
    expect([fetched.status, fetched.body.equals(data)]).toEqual([200, true]);

    const ranged = await client.request('GET', `/v2/${name}/blobs/${blob.digest}`, { headers: { range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(307);
    const part = new URL(ranged.header('location') as string);
    const fetchedPart = await raw(part.origin, 'GET', part.pathname + part.search, { headers: { range: 'bytes=1000-1999' } });
    expect([fetchedPart.status, fetchedPart.body.equals(data.subarray(1000, 2000))]).toEqual([206, true]);
    // HEAD and missing blobs are answered by the registry itself.
    expect((await client.request('HEAD', `/v2/${name}/blobs/${blob.digest}`)).status).toBe(200);
    expect((await client.request('GET', `/v2/${name}/blobs/${sha256('absent')}`)).status).toBe(404);

    // A real client follows the redirects and verifies every blob it is sent.
    const layer = await client.pushBlob(name, gzipSync(randomBytes(100_000)));
    const image = await client.pushImage(name, 'v1', { layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }] });
    const layout = tempDir('swr-redirect-copy-');
    const { username, password } = registry.admin;
    const copied = await run('skopeo', ['copy', '--src-tls-verify=false', '--src-creds', `${username}:${password}`, `docker://${new URL(redirecting.url).host}/${name}:v1`, `oci:${layout}:v1`]);
    expect([copied.code, copied.stderr]).toEqual([0, '']);
    const config = JSON.parse(image.body.toString()).config.digest as string;
    expect(readdirSync(join(layout, 'blobs', 'sha256'))).toEqual(expect.arrayContaining([config, layer.digest].map((d) => d.slice('sha256:'.length))));
  });

  it('finishes an upload on another gateway after the one that started it is killed between chunks', async () => {
    const doomed = await registry.startGateway();
    const survivor = new OciClient(registry.gateways[0].url, registry.admin);
    const client = new OciClient(doomed.url, registry.admin);
    const name = uniqueName('failover');
    const data = randomBytes(300_000);
    const location = await client.startUpload(name);
    expect((await client.request('PATCH', location, { body: data.subarray(0, 100_000), headers: { 'content-range': '0-99999' } })).status).toBe(202);
    await doomed.process.stop('SIGKILL');

    expect((await survivor.request('GET', location)).header('range')).toBe('0-99999');
    const rest = await survivor.request('PATCH', location, { body: data.subarray(100_000), headers: { 'content-range': `100000-${data.length - 1}` } });
    expect(rest.status).toBe(202);
    expect((await survivor.request('PUT', `${location}?digest=${sha256(data)}`)).status).toBe(201);
    expect((await survivor.request('GET', `/v2/${name}/blobs/${sha256(data)}`)).body.equals(data)).toBe(true);
  });

  // Last: with a grace period of 0, a collection takes whatever the suites above left unreferenced.
  describe('garbage collection on S3, by either metadata replica', () => {
    let objects: S3BlobStore;
    const s3 = () => new Client({ endPoint: registry.s3.endPoint, port: registry.s3.port, useSSL: false, accessKey: registry.s3.accessKey, secretKey: registry.s3.secretKey });
    beforeAll(() => {
      objects = new S3BlobStore({ endPoint: registry.s3.endPoint, port: registry.s3.port, useSSL: false, accessKey: registry.s3.accessKey, secretKey: registry.s3.secretKey, bucket: 'swr-e2e' });
    });
    describeGarbageCollection(
      () => registry,
      () => ({
        blob: async (digest) => (await objects.stat(digest)) !== undefined,
        upload: async (id) => {
          for await (const item of s3().listObjectsV2('swr-e2e', `uploads/${id}/`, true)) if (item.name) return true;
          return false;
        },
      }),
    );
  });
});
