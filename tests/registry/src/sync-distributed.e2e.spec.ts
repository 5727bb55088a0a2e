import { DistributedRegistry, RegistryUnderTest, startDistributedRegistry, startStandaloneRegistry, tempDir, waitFor } from '@swr/testing';
import { randomBytes } from 'node:crypto';
import { CountingProxy } from './support/counting-proxy';
import { ManageClient } from './support/manage-client';
import { OCI_MANIFEST, OciClient } from './support/oci-client';

const MiB = 1024 * 1024;

interface Job {
  tag: string;
  status: string;
  detail: string;
  copiedBytes: number;
  totalBytes: number;
}

/**
 * Region 1 distributed (gateway, metadata, IAM, sync workers on NATS, PostgreSQL, Redis and the S3
 * server), region 2 a standalone deployment behind a proxy that counts what the sync workers send.
 */
describe('image sync from a distributed region', () => {
  const peerKey = randomBytes(32).toString('base64');
  let region1: DistributedRegistry;
  let region2: RegistryUnderTest;
  let proxy: CountingProxy;
  let manage: ManageClient;
  let oci1: OciClient;
  let oci2: OciClient;
  const stamp = Date.now().toString(36);
  const src = `dsrc${stamp}`;
  const dst = `ddst${stamp}`;

  const jobsOf = async (repo: string): Promise<Job[]> =>
    (await manage.call('GET', `/v2/manage/namespaces/${src}/repos/${repo}/sync_job?filter=limit::1000|offset::0|order::asc`)).json();

  beforeAll(async () => {
    region2 = await startStandaloneRegistry(tempDir('swr-region2-'), { env: { SWR_SYNC_PEER_KEY: peerKey } });
    proxy = await CountingProxy.start(region2.url);
    region1 = await startDistributedRegistry({
      gateways: 1,
      metadataReplicas: 1,
      syncReplicas: 2,
      syncEnv: { SWR_SYNC_PEER_KEY: peerKey, SWR_SYNC_REGIONS: `region-2=${proxy.url}`, SWR_SYNC_CHUNK_MIB: '16', SWR_LOG_LEVEL: 'log' },
    });
    manage = await ManageClient.fromLogin(region1.url, region1.admin);
    oci1 = new OciClient(region1.url, region1.admin);
    oci2 = new OciClient(region2.url, region2.admin);
    expect((await manage.call('POST', '/v2/manage/namespaces', { namespace: src })).status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    await region1?.stop();
    await proxy?.stop();
    await region2?.stop();
  }, 120_000);

  it('copies each pushed tag exactly once with two sync worker replicas', async () => {
    await oci1.pushImage(`${src}/many`, 'seed');
    expect((await manage.call('POST', `/v2/manage/namespaces/${src}/repos/many/sync_repo`, { remoteRegionId: 'region-2', remoteNamespace: dst, syncAuto: true })).status).toBe(200);
    const tags = Array.from({ length: 8 }, (_, i) => `t${i}`);
    const digests = new Map<string, string>();
    for (const tag of tags) digests.set(tag, (await oci1.pushImage(`${src}/many`, tag)).digest);
    // The seed, pushed before the rule, is not copied: a rule copies what is pushed after it.

    let jobs: Job[] = [];
    await waitFor('every tag synced', async () => {
      jobs = await jobsOf('many');
      return jobs.length === tags.length && jobs.every((j) => j.status === 'success');
    }, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(jobs.map((j) => [j.tag, j.status, j.detail]))}`);
    });
    for (const tag of tags) {
      const head = await oci2.request('HEAD', `/v2/${dst}/many/manifests/${tag}`, { headers: { accept: OCI_MANIFEST } });
      expect([tag, head.status, head.header('docker-content-digest')]).toEqual([tag, 200, digests.get(tag)]);
      expect(proxy.requestLines.filter((l) => l === `PUT /v2/${dst}/many/manifests/${tag}`)).toHaveLength(1);
    }
    expect((await oci2.request('HEAD', `/v2/${dst}/many/manifests/seed`, { headers: { accept: OCI_MANIFEST } })).status).toBe(404);
  });

  it('resumes a 200 MiB layer from the remote\'s offset after its worker is SIGKILLed, sending again far less than the layer', async () => {
    // One replica left, so that the one killed is the one copying. The one stopped says so, before and after.
    await region1.syncWorkers[1].stop('SIGTERM');
    expect(region1.syncWorkers[1].output()).toMatch(/sync worker stopping \(SIGTERM\)[\s\S]*sync worker stopped/);
    expect(region1.syncWorkers[1].child.exitCode).toBe(0);
    const name = `${src}/big`;
    // The small blob first: it fetches the token, so the large body is sent once, with it.
    const config = await oci1.pushBlob(name, Buffer.from('{"architecture":"amd64","os":"linux"}'));
    const layer = await oci1.pushBlob(name, randomBytes(200 * MiB));
    await oci1.pushManifest(name, 'v1', {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }],
    });
    proxy.bytesPerSecond = 40 * MiB;
    const before = proxy.sentBytes;
    expect((await manage.call('POST', `/v2/manage/namespaces/${src}/repos/big/sync_images`, { imageTag: ['v1'], remoteRegionId: 'region-2', remoteNamespace: dst })).json()).toEqual([]);

    await waitFor('the copy under way', async () => ((await jobsOf('big'))[0]?.copiedBytes ?? 0) >= 64 * MiB, 60_000, 50);
    const atKill = (await jobsOf('big'))[0];
    await region1.syncWorkers[0].stop('SIGKILL');
    expect(atKill.status).toBe('running');
    expect(atKill.copiedBytes).toBeLessThan(layer.size);
    proxy.bytesPerSecond = undefined;
    region1.startSyncWorker();

    await waitFor('the copy finished by the new worker', async () => (await jobsOf('big'))[0]?.status === 'success', 120_000);
    const resent = proxy.sentBytes - before - layer.size;
    // A restart from zero would send again everything acknowledged before the kill (64 MiB or more); a resume, at most the chunk cut off (16 MiB).
    expect(resent).toBeLessThan(32 * MiB);
    const copy = await oci2.request('HEAD', `/v2/${dst}/big/blobs/${layer.digest}`);
    expect(copy.status).toBe(200);
    expect(Number(copy.header('content-length'))).toBe(layer.size);
    const job = (await jobsOf('big'))[0];
    expect(job.copiedBytes).toBe(job.totalBytes);
  }, 300_000);
});
