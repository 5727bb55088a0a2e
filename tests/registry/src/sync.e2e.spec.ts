import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import * as swr from '@huaweicloud/huaweicloud-sdk-swr';
import { DockerEngine, RegistryUnderTest, startDockerEngine, startStandaloneRegistry, tempDir, waitFor } from '@swr/testing';
import { peerProof } from '@swr/auth';
import { randomBytes } from 'node:crypto';
import { ManageClient, swrCode } from './support/manage-client';
import { OCI_INDEX, OCI_MANIFEST, OciClient, sha256 } from './support/oci-client';
import { buildImage, ok } from './support/real-clients';

const FINAL = ['success', 'failed', 'timeout', 'existed', 'cancel'];

interface Job {
  id: number;
  tag: string;
  status: string;
  detail: string;
  remoteNamespace: string;
  copiedBytes: number;
  totalBytes: number;
}

/**
 * Two deployments of the registry on this machine as two regions (and a third whose peer key
 * differs): tags pushed to region 1 under an auto-sync rule, and tags synced by hand, appear in
 * region 2 with the same digests, copied by region 1's sync worker as an ordinary OCI client.
 */
describe('image sync between two standalone regions', () => {
  const peerKey = randomBytes(32).toString('base64');
  let region1: RegistryUnderTest;
  let region2: RegistryUnderTest;
  let region3: RegistryUnderTest;
  let manage1: ManageClient;
  let manage2: ManageClient;
  let oci1: OciClient;
  let oci2: OciClient;
  const stamp = Date.now().toString(36);
  const src = `src${stamp}`;
  const dst = `dst${stamp}`;

  const repoPath = (org: string, repo: string) => `/v2/manage/namespaces/${org}/repos/${repo}`;
  const jobsOf = async (repo: string): Promise<Job[]> => {
    const res = await manage1.call('GET', `${repoPath(src, repo)}/sync_job?filter=limit::100|offset::0|order::asc`);
    expect(res.status).toBe(200);
    return res.json();
  };
  /** Waits until the repository's jobs for `tag` have all ended, and answers the last. */
  const ended = async (repo: string, tag: string, count = 1): Promise<Job> => {
    let last: Job | undefined;
    await waitFor(`sync of ${repo}:${tag}`, async () => {
      const jobs = (await jobsOf(repo)).filter((j) => j.tag === tag);
      last = jobs.at(-1);
      return jobs.length >= count && jobs.every((j) => FINAL.includes(j.status));
    }, 60_000);
    return last as Job;
  };
  const digestIn = async (oci: OciClient, name: string, reference: string) => {
    const res = await oci.request('HEAD', `/v2/${name}/manifests/${reference}`, { headers: { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` } });
    return res.status === 200 ? res.header('docker-content-digest') : undefined;
  };

  beforeAll(async () => {
    [region2, region3] = await Promise.all([
      startStandaloneRegistry(tempDir('swr-region2-'), { env: { SWR_SYNC_PEER_KEY: peerKey } }),
      startStandaloneRegistry(tempDir('swr-region3-'), { env: { SWR_SYNC_PEER_KEY: randomBytes(32).toString('base64') } }),
    ]);
    region1 = await startStandaloneRegistry(tempDir('swr-region1-'), {
      env: { SWR_SYNC_PEER_KEY: peerKey, SWR_SYNC_REGIONS: `region-2=${region2.url},region-3=${region3.url}`, SWR_SYNC_CHUNK_MIB: '1' },
    });
    manage1 = await ManageClient.fromLogin(region1.url, region1.admin);
    manage2 = await ManageClient.fromLogin(region2.url, region2.admin);
    oci1 = new OciClient(region1.url, region1.admin);
    oci2 = new OciClient(region2.url, region2.admin);
    expect((await manage1.call('POST', '/v2/manage/namespaces', { namespace: src })).status).toBe(201);
  }, 120_000);
  afterAll(() => Promise.all([region1?.stop(), region2?.stop(), region3?.stop()]), 60_000);

  it('lists the regions the operator configured, and refuses a rule to any other', async () => {
    const regions = await manage1.call('GET', '/v2/manage/regions');
    expect(regions.status).toBe(200);
    expect(regions.json()).toEqual([{ regionID: 'region-2' }, { regionID: 'region-3' }]);
    expect((await manage2.call('GET', '/v2/manage/regions')).json()).toEqual([]);

    await oci1.pushImage(`${src}/nowhere`, 'v1');
    const unknown = await manage1.call('POST', `${repoPath(src, 'nowhere')}/sync_repo`, { remoteRegionId: 'region-9', remoteNamespace: dst, syncAuto: true });
    expect(unknown.status).toBe(400);
    expect(unknown.json().error_msg).toContain('region-9');
    const url = await manage1.call('POST', `${repoPath(src, 'nowhere')}/sync_repo`, { remoteRegionId: 'http://10.0.0.1', remoteNamespace: dst });
    expect(url.status).toBe(400);
  });

  it('copies what is pushed under an auto-sync rule: an image, a multi-platform index and an artifact with a subject, with the same digests', async () => {
    const name = `${src}/app`;
    await oci1.pushImage(name, 'seed');
    const rule = await manage1.call('POST', `${repoPath(src, 'app')}/sync_repo`, { remoteRegionId: 'region-2', remoteNamespace: dst, syncAuto: true, override: false });
    expect(rule.status).toBe(200);
    const rules = (await manage1.call('GET', `${repoPath(src, 'app')}/sync_repo`)).json();
    expect(rules).toEqual([
      expect.objectContaining({ namespace: src, repoName: 'app', remoteRegionId: 'region-2', remoteNamespace: dst, syncAuto: true, override: false, domainName: 'swr' }),
    ]);
    const again = await manage1.call('POST', `${repoPath(src, 'app')}/sync_repo`, { remoteRegionId: 'region-2', remoteNamespace: dst, syncAuto: true });
    expect(again.status).toBe(409);

    // A layer of 3 MiB goes in 1 MiB chunks (SWR_SYNC_CHUNK_MIB=1 in region 1).
    const big = await oci1.pushBlob(name, randomBytes(3 * 1024 * 1024 + 5));
    const config = await oci1.pushBlob(name, Buffer.from('{"architecture":"amd64","os":"linux"}'));
    const imageManifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: big.digest, size: big.size }],
    };
    const byDigest = (manifest: object) => oci1.pushManifest(name, sha256(JSON.stringify(manifest)), manifest);
    // Pushed by digest first, then its SBOM (an artifact whose subject it is), then tagged: the tag's push is what syncs.
    const image = await byDigest(imageManifest);
    const sbom = await oci1.pushBlob(name, Buffer.from('{"spdxVersion":"SPDX-2.3"}'));
    const empty = await oci1.pushBlob(name, Buffer.from('{}'));
    const referrer = await byDigest({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: empty.digest, size: empty.size },
      layers: [{ mediaType: 'application/spdx+json', digest: sbom.digest, size: sbom.size }],
      subject: { mediaType: OCI_MANIFEST, digest: image.digest, size: image.size },
    });
    await oci1.pushManifest(name, 'v1', imageManifest);
    const amd = await oci1.pushImage(name, 'amd-only');
    const arm = await oci1.pushImage(name, 'arm-only');
    const index = await oci1.pushManifest(
      name,
      'multi',
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: amd.digest, size: amd.size, platform: { architecture: 'amd64', os: 'linux' } },
          { mediaType: OCI_MANIFEST, digest: arm.digest, size: arm.size, platform: { architecture: 'arm64', os: 'linux' } },
        ],
      },
      OCI_INDEX,
    );

    const copied = await ended('app', 'v1');
    expect(copied).toMatchObject({ status: 'success', remoteNamespace: dst });
    expect(copied.copiedBytes).toBe(copied.totalBytes);
    expect((await ended('app', 'multi')).status).toBe('success');

    const target = `${dst}/app`;
    expect(await digestIn(oci2, target, 'v1')).toBe(image.digest);
    expect(await digestIn(oci2, target, 'multi')).toBe(index.digest);
    for (const child of [amd, arm]) expect(await digestIn(oci2, target, child.digest)).toBe(child.digest);
    const layer = await oci2.request('GET', `/v2/${target}/blobs/${big.digest}`);
    expect(sha256(layer.body)).toBe(big.digest);
    const referrers = await oci2.request('GET', `/v2/${target}/referrers/${image.digest}`);
    expect(referrers.json().manifests).toEqual([expect.objectContaining({ digest: referrer.digest, artifactType: 'application/spdx+json' })]);
    // The target organization was created for the account of the same name in region 2.
    expect((await manage2.call('GET', `/v2/manage/namespaces/${dst}`)).status).toBe(200);
  });

  it('syncs existing tags by hand, answering the tags it could not', async () => {
    const name = `${src}/manual`;
    const m1 = await oci1.pushImage(name, 'm1');
    const m2 = await oci1.pushImage(name, 'm2');
    const res = await manage1.call('POST', `${repoPath(src, 'manual')}/sync_images`, { imageTag: ['m1', 'm2', 'absent'], remoteRegionId: 'region-2', remoteNamespace: dst, override: false });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(['absent']);
    expect((await ended('manual', 'm1')).status).toBe('success');
    expect((await ended('manual', 'm2')).status).toBe('success');
    expect(await digestIn(oci2, `${dst}/manual`, 'm1')).toBe(m1.digest);
    expect(await digestIn(oci2, `${dst}/manual`, 'm2')).toBe(m2.digest);

    const listed = await manage1.call('GET', `${repoPath(src, 'manual')}/sync_job?filter=limit::1|offset::1|order::desc`);
    expect(listed.header('content-range')).toBe('1-1/2');
    expect(listed.json()[0]).toMatchObject({ tag: 'm1', namespace: src, repoName: 'manual', domainName: 'swr', syncOperatorName: 'admin', override: false, status: 'success' });
    expect((await manage1.call('GET', `${repoPath(src, 'manual')}/sync_job`)).status).toBe(400);
  });

  it('leaves a different image under the tag in region 2 alone without override (existed), and replaces it with override', async () => {
    const name = `${src}/over`;
    const theirs = await oci2.pushImage(`${dst}/over`, 'v1');
    const ours = await oci1.pushImage(name, 'v1');
    const sync = (override: boolean) => manage1.call('POST', `${repoPath(src, 'over')}/sync_images`, { imageTag: ['v1'], remoteRegionId: 'region-2', remoteNamespace: dst, override });

    expect((await sync(false)).json()).toEqual([]);
    const kept = await ended('over', 'v1');
    expect(kept.status).toBe('existed');
    expect(kept.detail).toContain(theirs.digest);
    expect(await digestIn(oci2, `${dst}/over`, 'v1')).toBe(theirs.digest);

    await sync(true);
    expect((await ended('over', 'v1', 2)).status).toBe('success');
    expect(await digestIn(oci2, `${dst}/over`, 'v1')).toBe(ours.digest);
  });

  it('fails a job whose region does not share the peer key, saying so', async () => {
    await oci1.pushImage(`${src}/wrongkey`, 'v1');
    await manage1.call('POST', `${repoPath(src, 'wrongkey')}/sync_images`, { imageTag: ['v1'], remoteRegionId: 'region-3', remoteNamespace: dst });
    const job = await ended('wrongkey', 'v1');
    expect(job.status).toBe('failed');
    expect(job.detail).toContain('SWR_SYNC_PEER_KEY');
    expect((await new OciClient(region3.url, region3.admin).request('GET', `/v2/${dst}/wrongkey/tags/list`)).status).toBe(404);
  });

  it('cannot sync into an organization another account owns in region 2', async () => {
    const theirs = `theirs${stamp}`;
    expect((await manage2.call('POST', '/v3/domains', { domain: { name: `other${stamp}` }, admin: { name: 'boss', password: 'other-password-1' } })).status).toBe(201);
    const other = await ManageClient.signIn(region2.url, `other${stamp}`, 'boss', 'other-password-1');
    expect((await other.call('POST', '/v2/manage/namespaces', { namespace: theirs })).status).toBe(201);

    await oci1.pushImage(`${src}/intrude`, 'v1');
    await manage1.call('POST', `${repoPath(src, 'intrude')}/sync_images`, { imageTag: ['v1'], remoteRegionId: 'region-2', remoteNamespace: theirs });
    const job = await ended('intrude', 'v1');
    expect(job.status).toBe('failed');
    expect(job.detail).toMatch(/denied account swr/);
    expect((await other.call('GET', `/v2/manage/namespaces/${theirs}/repos/intrude`)).status).toBe(404);
  });

  it("gives the peer a token to pull and push in the account's organization of region 2, never to delete or list the catalog", async () => {
    const proof = peerProof(Buffer.from(peerKey, 'base64'), 'swr');
    const query = new URLSearchParams({ service: 'swr-registry' });
    query.append('scope', `repository:${dst}/app:pull,push,delete`);
    query.append('scope', 'registry:catalog:*');
    const res = await fetch(`${region2.url}/auth/token?${query}`, { headers: { authorization: `Basic ${Buffer.from(`@sync/swr:${proof}`).toString('base64')}` } });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims.access).toEqual([{ type: 'repository', name: `${dst}/app`, actions: ['pull', 'push'] }]);
    expect(claims.name).toBe('swr-sync');
  });

  it('deletes a rule with a body, and answers SWR\'s 400 for a rule that is not there; copies stay, deletes are not propagated', async () => {
    const body = { remoteRegionId: 'region-2', remoteNamespace: dst };
    expect((await manage1.call('DELETE', `${repoPath(src, 'app')}/sync_repo`, body)).status).toBe(200);
    const absent = await manage1.call('DELETE', `${repoPath(src, 'app')}/sync_repo`, body);
    expect(absent.status).toBe(400);
    expect(swrCode(absent)).toBe('SVCSTG.SWR.4001158');
    expect((await oci1.request('DELETE', `/v2/${src}/app/manifests/multi`)).status).toBe(202);
    expect(await digestIn(oci2, `${dst}/app`, 'multi')).toBeDefined();
  });

  it('records rule changes and job ends in the audit trail', async () => {
    await waitFor('sync traces', async () => {
      const names = async (trace: string) => (await manage1.call('GET', `/v3/${manage1.projectId}/traces?trace_name=${trace}`)).json().traces as Array<{ trace_status: string }>;
      return (await names('createSyncRepo')).length >= 1 && (await names('deleteSyncRepo')).length >= 1 && (await names('createManualSyncRepo')).length >= 4 && (await names('syncImage')).length >= 6;
    });
  });

  it('works through the official SDK with AK/SK', async () => {
    const key = await manage1.call('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: manage1.userId, description: 'sync sdk' } });
    const { access, secret } = key.json().credential;
    const client = swr.SwrClient.newBuilder().withCredential(new BasicCredentials().withAk(access).withSk(secret).withProjectId(manage1.projectId)).withEndpoint(region1.url).build();
    await oci1.pushImage(`${src}/sdk`, 'v1');
    const target = new swr.CreateImageSyncRepoRequestBody().withRemoteRegionId('region-2').withRemoteNamespace(dst).withSyncAuto(true).withOverride(true);
    expect((await client.createImageSyncRepo(new swr.CreateImageSyncRepoRequest().withNamespace(src).withRepository('sdk').withBody(target))).httpStatusCode).toBe(200);
    const rules = await client.listImageAutoSyncReposDetails(new swr.ListImageAutoSyncReposDetailsRequest().withNamespace(src).withRepository('sdk'));
    expect([...(rules as unknown as unknown[])]).toEqual([expect.objectContaining({ remoteRegionId: 'region-2', remoteNamespace: dst, override: true })]);
    const manual = new swr.CreateManualImageSyncRepoRequestBody().withImageTag(['v1']).withRemoteRegionId('region-2').withRemoteNamespace(dst);
    expect((await client.createManualImageSyncRepo(new swr.CreateManualImageSyncRepoRequest().withNamespace(src).withRepository('sdk').withBody(manual))).httpStatusCode).toBe(200);
    expect((await ended('sdk', 'v1')).status).toBe('success');
    const jobs = await client.showSyncJob(new swr.ShowSyncJobRequest().withNamespace(src).withRepository('sdk').withFilter('limit::10|offset::0'));
    expect([...(jobs as unknown as unknown[])]).toEqual([expect.objectContaining({ tag: 'v1', status: 'success', repoName: 'sdk', remoteRegionId: 'region-2' })]);
    const remove = new swr.DeleteImageSyncRepoRequestBody().withRemoteRegionId('region-2').withRemoteNamespace(dst);
    expect((await client.deleteImageSyncRepo(new swr.DeleteImageSyncRepoRequest().withNamespace(src).withRepository('sdk').withBody(remove))).httpStatusCode).toBe(200);
  });

  describe('with docker', () => {
    let docker: DockerEngine;
    beforeAll(async () => {
      docker = await startDockerEngine();
      for (const region of [region1, region2]) ok(await docker.docker('login', '-u', region.admin.username, '-p', region.admin.password, new URL(region.url).host));
    }, 60_000);
    afterAll(() => docker?.stop());

    it('pulls from region 2 what docker pushed to region 1 under an auto-sync rule, the same image', async () => {
      const host1 = new URL(region1.url).host;
      const host2 = new URL(region2.url).host;
      await oci1.pushImage(`${src}/docker`, 'seed');
      expect((await manage1.call('POST', `${repoPath(src, 'docker')}/sync_repo`, { remoteRegionId: 'region-2', remoteNamespace: dst, syncAuto: true })).status).toBe(200);
      await buildImage(docker, `${host1}/${src}/docker:v1`, { 'app.txt': `synced ${stamp}`, 'data.bin': randomBytes(2 * 1024 * 1024).toString('base64') });
      const pushed = ok(await docker.docker('push', `${host1}/${src}/docker:v1`));
      const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)?.[1];
      expect((await ended('docker', 'v1')).status).toBe('success');

      ok(await docker.docker('pull', `${host2}/${dst}/docker:v1`));
      const inspect = async (ref: string) => JSON.parse(ok(await docker.docker('image', 'inspect', ref)))[0];
      const [original, copy] = [await inspect(`${host1}/${src}/docker:v1`), await inspect(`${host2}/${dst}/docker:v1`)];
      expect(copy.Id).toBe(original.Id);
      expect(copy.RepoDigests).toContain(`${host2}/${dst}/docker@${digest}`);
    });
  });
});
