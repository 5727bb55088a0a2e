import { randomBytes } from 'node:crypto';
import { S3BlobStore } from '@swr/storage';
import { startDistributedRegistry, waitFor } from '@swr/testing';
import { Client } from 'minio';
import { ManageClient } from './support/manage-client';
import { errorCode, OCI_MANIFEST, OciClient, sha256 } from './support/oci-client';

/** Seconds of concurrent pushes, deletes and collections: short in `npm test`, as long as wanted through `npm run soak:gc`. */
const SOAK_SECONDS = Number(process.env.SWR_SOAK_SECONDS ?? 40);
const GRACE_SECONDS = 2;
const REPOSITORIES = 4;
const PUSHERS = 4;

interface Image {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly blobs: readonly string[];
}

/**
 * The race that corrupts images in registries whose collector does not coordinate with pushes:
 * pushes of images that share layers, tag and manifest deletes, and collections every two seconds
 * with a grace period of two seconds, through two gateways, two metadata replicas (either runs a
 * collection) and two retention workers. Afterwards every image pushed and not deleted pulls
 * whole, no push failed but by MANIFEST_BLOB_UNKNOWN followed by a successful retry, and the store
 * holds nothing that no manifest references.
 */
describe('garbage collection racing pushes (distributed, S3)', () => {
  let registry: Awaited<ReturnType<typeof startDistributedRegistry>>;
  beforeAll(async () => {
    registry = await startDistributedRegistry({ gateways: 2, metadataReplicas: 2, retentionReplicas: 2, metadataEnv: { SWR_GC_GRACE_SECONDS: String(GRACE_SECONDS) } });
  }, 120_000);
  afterAll(() => registry?.stop(), 60_000);

  it(
    'loses no pushed image and leaves no garbage behind',
    async () => {
      const org = `soak${Date.now().toString(36)}`;
      const admins = await Promise.all(registry.gateways.map((g) => ManageClient.fromLogin(g.url, registry.admin)));
      expect((await admins[0].call('POST', '/v2/manage/namespaces', { namespace: org })).status).toBe(201);
      // Layers that many images share: the ones a collection and a push fight over.
      const shared = Array.from({ length: 6 }, () => randomBytes(2_000 + Math.floor(Math.random() * 20_000)));
      const live = new Map<string, Image>();
      const deleted: Image[] = [];
      const failures: string[] = [];
      let retried = 0;
      let pushes = 0;
      let collections = 0;
      const deadline = Date.now() + SOAK_SECONDS * 1000;
      const gateway = () => registry.gateways[Math.floor(Math.random() * 2)].url;

      /** Pushes as docker does: HEAD each blob, upload what is missing, then the manifest; again from the HEADs after MANIFEST_BLOB_UNKNOWN. */
      async function push(worker: number, n: number): Promise<void> {
        const client = new OciClient(gateway(), registry.admin);
        const repository = `${org}/r${n % REPOSITORIES}`;
        const layers = [shared[Math.floor(Math.random() * shared.length)], shared[Math.floor(Math.random() * shared.length)], randomBytes(1_000)];
        const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', worker, n }));
        const blobs = [config, ...new Set(layers)];
        const manifest = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: OCI_MANIFEST,
            config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
            layers: blobs.slice(1).map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(b), size: b.length })),
          }),
        );
        const tag = `w${worker}-${n}`;
        for (let attempt = 1; ; attempt++) {
          for (const blob of blobs) {
            if ((await client.request('HEAD', `/v2/${repository}/blobs/${sha256(blob)}`)).status === 200) continue;
            const uploaded = await client.request('POST', `/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`, { body: blob, headers: { 'content-type': 'application/octet-stream' } });
            if (uploaded.status !== 201) throw new Error(`${tag}: blob upload answered ${uploaded.status} ${uploaded.body}`);
          }
          const put = await client.request('PUT', `/v2/${repository}/manifests/${tag}`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } });
          if (put.status === 201) break;
          if (errorCode(put) !== 'MANIFEST_BLOB_UNKNOWN' || attempt === 5) throw new Error(`${tag}: manifest push answered ${put.status} ${put.body}`);
          retried += 1;
        }
        live.set(`${repository}:${tag}`, { repository, tag, digest: sha256(manifest), blobs: blobs.map((b) => sha256(b)) });
        pushes += 1;
      }

      const pusher = async (worker: number) => {
        for (let n = 0; Date.now() < deadline; n++) await push(worker, n).catch((error: Error) => failures.push(error.message));
      };
      const deleter = async () => {
        while (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 150));
          const images = [...live.values()];
          if (images.length < 8) continue;
          const image = images[Math.floor(Math.random() * images.length)];
          // By tag (the manifest stays, untagged, for the collector) or by digest (gone at once).
          const reference = Math.random() < 0.5 ? image.tag : image.digest;
          live.delete(`${image.repository}:${image.tag}`);
          const res = await new OciClient(gateway(), registry.admin).request('DELETE', `/v2/${image.repository}/manifests/${reference}`);
          if (res.status === 202) deleted.push(image);
          else failures.push(`delete ${image.tag}: ${res.status} ${res.body}`);
        }
      };
      const collector = async () => {
        while (Date.now() < deadline) {
          const res = await admins[collections % 2].call('POST', '/v2/manage/gc/runs', {});
          if (res.status !== 202) failures.push(`gc: ${res.status} ${res.body}`);
          collections += 1;
          await new Promise((r) => setTimeout(r, 2_000));
        }
      };
      await Promise.all([...Array.from({ length: PUSHERS }, (_, w) => pusher(w)), deleter(), collector()]);

      expect(failures).toEqual([]);
      expect(pushes).toBeGreaterThan(20);

      // Every image still tagged pulls whole, through either gateway.
      for (const image of live.values()) {
        const client = new OciClient(gateway(), registry.admin);
        const got = await client.request('GET', `/v2/${image.repository}/manifests/${image.tag}`, { headers: { accept: OCI_MANIFEST } });
        expect({ tag: image.tag, status: got.status, digest: sha256(got.body) }).toEqual({ tag: image.tag, status: 200, digest: image.digest });
        for (const blob of image.blobs) {
          const res = await client.request('GET', `/v2/${image.repository}/blobs/${blob}`);
          expect({ tag: image.tag, blob, status: res.status, digest: sha256(res.body) }).toEqual({ tag: image.tag, blob, status: 200, digest: blob });
        }
      }

      // Once the grace period has passed, collections leave exactly what the surviving images reference.
      const referenced = new Set([...live.values()].flatMap((i) => i.blobs));
      const s3 = new Client({ endPoint: registry.s3.endPoint, port: registry.s3.port, useSSL: false, accessKey: registry.s3.accessKey, secretKey: registry.s3.secretKey });
      const stored = async () => {
        const keys: string[] = [];
        for await (const item of s3.listObjectsV2('swr-e2e', 'blobs/', true)) if (item.name) keys.push(item.name);
        return new Set(keys.map((k) => `sha256:${k.split('/').pop()}`));
      };
      await waitFor(
        'collections to leave only what is referenced',
        async () => {
          await new Promise((r) => setTimeout(r, GRACE_SECONDS * 1000));
          const run = (await admins[0].call('POST', '/v2/manage/gc/runs', {})).json();
          await waitFor(`collection ${run.id}`, async () => (await admins[0].call('GET', `/v2/manage/gc/runs/${run.id}`)).json().status !== 'running');
          const now = await stored();
          return [...now].every((d) => referenced.has(d)) && [...referenced].every((d) => now.has(d));
        },
        90_000,
      );
      const objects = new S3BlobStore({ endPoint: registry.s3.endPoint, port: registry.s3.port, useSSL: false, accessKey: registry.s3.accessKey, secretKey: registry.s3.secretKey, bucket: 'swr-e2e' });
      for (const blob of referenced) expect(await objects.stat(blob)).toBeDefined();
      console.log(`push-vs-GC soak: ${SOAK_SECONDS} s, ${pushes} pushes (${retried} retried after MANIFEST_BLOB_UNKNOWN), ${deleted.length} deletes, ${collections} collections, ${live.size} images left`);
    },
    (SOAK_SECONDS + 240) * 1000,
  );
});
