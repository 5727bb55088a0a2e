import { randomBytes } from 'node:crypto';
import { raw } from './http';
import { describeOciBadInput } from './oci-bad-input';
import { DOCKER_MANIFEST, EMPTY_CONFIG, errorCode, OCI_INDEX, OCI_MANIFEST, OciClient, sha256, sha512, uniqueName } from './oci-client';
import type { RegistryUnderTest } from '@swr/testing';

/**
 * The OCI Distribution v1.1 conformance workflows (pull, push, content discovery, content
 * management), and our bad-input guarantees, as one suite any deployment mode runs.
 */
export function describeOciConformance(registry: () => RegistryUnderTest): void {
  let oci: OciClient;
  beforeAll(() => {
    oci = new OciClient(registry().url, registry().admin);
  });

  describe('base', () => {
    it('answers /v2/ with 200 and the API version header', async () => {
      const res = await oci.request('GET', '/v2/');
      expect(res.status).toBe(200);
      expect(res.header('docker-distribution-api-version')).toBe('registry/2.0');
    });
  });

  describe('pull', () => {
    it('serves a manifest by tag and by digest, with its digest and media type, and HEAD without a body', async () => {
      const name = uniqueName();
      const image = await oci.pushImage(name, 'v1');
      for (const ref of ['v1', image.digest]) {
        const get = await oci.request('GET', `/v2/${name}/manifests/${ref}`);
        expect(get.status).toBe(200);
        expect(get.body.equals(image.body)).toBe(true);
        expect(get.header('docker-content-digest')).toBe(image.digest);
        expect(get.header('content-type')).toBe(OCI_MANIFEST);
        const head = await oci.request('HEAD', `/v2/${name}/manifests/${ref}`);
        expect(head.status).toBe(200);
        expect(head.body.length).toBe(0);
        expect(Number(head.header('content-length'))).toBe(image.size);
        expect(head.header('docker-content-digest')).toBe(image.digest);
      }
    });

    it('serves blobs whole, by range, and answers 416 for unsatisfiable ranges', async () => {
      const name = uniqueName();
      const blob = await oci.pushBlob(name, randomBytes(10_000));
      const head = await oci.request('HEAD', `/v2/${name}/blobs/${blob.digest}`);
      expect(head.status).toBe(200);
      expect(Number(head.header('content-length'))).toBe(10_000);
      expect(head.header('docker-content-digest')).toBe(blob.digest);
      const whole = await oci.request('GET', `/v2/${name}/blobs/${blob.digest}`);
      expect(whole.status).toBe(200);
      expect(sha256(whole.body)).toBe(blob.digest);
      const part = await oci.request('GET', `/v2/${name}/blobs/${blob.digest}`, { headers: { range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect(part.header('content-range')).toBe('bytes 100-199/10000');
      expect(part.body.equals(blob.body.subarray(100, 200))).toBe(true);
      const tail = await oci.request('GET', `/v2/${name}/blobs/${blob.digest}`, { headers: { range: 'bytes=-10' } });
      expect(tail.body.equals(blob.body.subarray(9990))).toBe(true);
      const beyond = await oci.request('GET', `/v2/${name}/blobs/${blob.digest}`, { headers: { range: 'bytes=10000-' } });
      expect(beyond.status).toBe(416);
      expect(beyond.header('content-range')).toBe('bytes */10000');
    });

    it('answers unknown manifests, blobs and repositories with the spec codes', async () => {
      const name = uniqueName();
      await oci.pushImage(name, 'v1');
      const missingDigest = sha256('nothing');
      expect(errorCode(await oci.request('GET', `/v2/${name}/manifests/nope`))).toBe('MANIFEST_UNKNOWN');
      expect(errorCode(await oci.request('GET', `/v2/${name}/manifests/${missingDigest}`))).toBe('MANIFEST_UNKNOWN');
      const blob = await oci.request('GET', `/v2/${name}/blobs/${missingDigest}`);
      expect(blob.status).toBe(404);
      expect(errorCode(blob)).toBe('BLOB_UNKNOWN');
      expect((await oci.request('HEAD', `/v2/${name}/blobs/${missingDigest}`)).status).toBe(404);
      expect(errorCode(await oci.request('GET', `/v2/${uniqueName()}/tags/list`))).toBe('NAME_UNKNOWN');
    });

    it('serves a blob only through a repository that links it', async () => {
      const a = uniqueName();
      const blob = await oci.pushBlob(a);
      expect((await oci.request('HEAD', `/v2/${uniqueName()}/blobs/${blob.digest}`)).status).toBe(404);
    });
  });

  describe('push', () => {
    it('takes a blob in a POST then a PUT with the whole body', async () => {
      const name = uniqueName();
      const data = randomBytes(4096);
      const location = await oci.startUpload(name);
      const put = await oci.request('PUT', `${location}?digest=${sha256(data)}`, { body: data, headers: { 'content-type': 'application/octet-stream' } });
      expect(put.status).toBe(201);
      expect(put.header('location')).toBe(`/v2/${name}/blobs/${sha256(data)}`);
      expect(put.header('docker-content-digest')).toBe(sha256(data));
      expect((await oci.request('HEAD', `/v2/${name}/blobs/${sha256(data)}`)).status).toBe(200);
    });

    it('takes a blob in a single POST with ?digest=', async () => {
      const name = uniqueName();
      const data = randomBytes(2048);
      const res = await oci.request('POST', `/v2/${name}/blobs/uploads/?digest=${sha256(data)}`, { body: data, headers: { 'content-type': 'application/octet-stream' } });
      expect(res.status).toBe(201);
      expect(res.header('location')).toBe(`/v2/${name}/blobs/${sha256(data)}`);
    });

    it('starts a session with Location, Range and OCI-Chunk-Min-Length', async () => {
      const name = uniqueName();
      const res = await oci.request('POST', `/v2/${name}/blobs/uploads/`);
      expect(res.status).toBe(202);
      expect(res.header('location')).toMatch(new RegExp(`^/v2/${name}/blobs/uploads/[0-9a-f-]{36}$`));
      expect(res.header('range')).toBe('0-0');
      expect(Number(res.header('oci-chunk-min-length'))).toBeGreaterThan(0);
    });

    it('takes chunks in order, reports progress, refuses an out-of-order chunk with 416, and commits', async () => {
      const name = uniqueName();
      const data = randomBytes(3000);
      const location = await oci.startUpload(name);
      const first = await oci.request('PATCH', location, { body: data.subarray(0, 1000), headers: { 'content-range': '0-999', 'content-type': 'application/octet-stream' } });
      expect(first.status).toBe(202);
      expect(first.header('range')).toBe('0-999');
      const skipped = await oci.request('PATCH', location, { body: data.subarray(2000), headers: { 'content-range': '2000-2999' } });
      expect(skipped.status).toBe(416);
      const second = await oci.request('PATCH', first.header('location') as string, { body: data.subarray(1000, 2000), headers: { 'content-range': '1000-1999' } });
      expect(second.header('range')).toBe('0-1999');
      const status = await oci.request('GET', location);
      expect(status.status).toBe(204);
      expect(status.header('range')).toBe('0-1999');
      const last = await oci.request('PUT', `${location}?digest=${sha256(data)}`, { body: data.subarray(2000), headers: { 'content-range': '2000-2999' } });
      expect(last.status).toBe(201);
      const get = await oci.request('GET', `/v2/${name}/blobs/${sha256(data)}`);
      expect(get.body.equals(data)).toBe(true);
    });

    it('streams a chunk without Content-Range (as docker does) and closes with an empty PUT', async () => {
      const name = uniqueName();
      const data = randomBytes(100_000);
      const location = await oci.startUpload(name);
      expect((await oci.request('PATCH', location, { body: data })).status).toBe(202);
      expect((await oci.request('PUT', `${location}?digest=${sha256(data)}`)).status).toBe(201);
      expect(Number((await oci.request('HEAD', `/v2/${name}/blobs/${sha256(data)}`)).header('content-length'))).toBe(100_000);
    });

    it('accepts an empty blob', async () => {
      const name = uniqueName();
      const location = await oci.startUpload(name);
      expect((await oci.request('PUT', `${location}?digest=${sha256('')}`)).status).toBe(201);
      expect(Number((await oci.request('HEAD', `/v2/${name}/blobs/${sha256('')}`)).header('content-length'))).toBe(0);
    });

    it('takes a sha512 upload', async () => {
      const name = uniqueName();
      const data = randomBytes(5000);
      const start = await oci.request('POST', `/v2/${name}/blobs/uploads/?digest-algorithm=sha512`);
      expect(start.status).toBe(202);
      const put = await oci.request('PUT', `${start.header('location')}?digest=${sha512(data)}`, { body: data });
      expect(put.status).toBe(201);
      expect((await oci.request('GET', `/v2/${name}/blobs/${sha512(data)}`)).body.equals(data)).toBe(true);
    });

    it('mounts a blob from another repository (201), and falls back to an upload session (202) when it cannot', async () => {
      const from = uniqueName();
      const to = uniqueName();
      const blob = await oci.pushBlob(from);
      // As docker does, the token for a mount also asks to pull from the source.
      const authorization = await oci.authorization(`repository:${to}:pull,push repository:${from}:pull`);
      const mounted = await oci.request('POST', `/v2/${to}/blobs/uploads/?mount=${blob.digest}&from=${from}`, { headers: { authorization } });
      expect(mounted.status).toBe(201);
      expect(mounted.header('location')).toBe(`/v2/${to}/blobs/${blob.digest}`);
      expect((await oci.request('HEAD', `/v2/${to}/blobs/${blob.digest}`)).status).toBe(200);
      const fallback = await oci.request('POST', `/v2/${to}/blobs/uploads/?mount=${sha256('absent')}&from=${from}`, { headers: { authorization } });
      expect(fallback.status).toBe(202);
      expect(fallback.header('location')).toContain('/blobs/uploads/');
    });

    it("mounts in one round trip for a client that asks for exactly the challenged scope, which names the source's pull", async () => {
      const from = uniqueName();
      const to = uniqueName();
      const blob = await oci.pushBlob(from);
      const mountPath = `/v2/${to}/blobs/uploads/?mount=${blob.digest}&from=${from}`;
      const challenged = await raw(oci.url, 'POST', mountPath);
      expect(challenged.status).toBe(401);
      expect(challenged.header('www-authenticate')).toContain(`scope="repository:${to}:pull,push repository:${from}:pull"`);
      const authorization = `Bearer ${await oci.token(challenged.header('www-authenticate') as string)}`;
      const mounted = await raw(oci.url, 'POST', mountPath, { headers: { authorization } });
      expect(mounted.status).toBe(201);
      expect(mounted.header('docker-content-digest')).toBe(blob.digest);
    });

    it('cancels an upload session', async () => {
      const name = uniqueName();
      const location = await oci.startUpload(name);
      expect((await oci.request('DELETE', location)).status).toBe(204);
      expect(errorCode(await oci.request('GET', location))).toBe('BLOB_UPLOAD_UNKNOWN');
    });

    it('stores manifests of every media type exactly as pushed, with Location', async () => {
      const name = uniqueName();
      const config = await oci.pushBlob(name, Buffer.from('{"architecture":"amd64","os":"linux"}'));
      const layer = await oci.pushBlob(name);
      const docker = {
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: config.digest, size: config.size },
        layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layer.digest, size: layer.size }],
      };
      const body = Buffer.from(JSON.stringify(docker, null, 4));
      const put = await oci.request('PUT', `/v2/${name}/manifests/docker`, { body, headers: { 'content-type': DOCKER_MANIFEST } });
      expect(put.status).toBe(201);
      expect(put.header('location')).toBe(`/v2/${name}/manifests/${sha256(body)}`);
      expect(put.header('docker-content-digest')).toBe(sha256(body));
      const got = await oci.request('GET', `/v2/${name}/manifests/docker`);
      expect(got.body.equals(body)).toBe(true);
      expect(got.header('content-type')).toBe(DOCKER_MANIFEST);

      const list = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [{ mediaType: DOCKER_MANIFEST, digest: sha256(body), size: body.length, platform: { architecture: 'amd64', os: 'linux' } }] };
      await oci.pushManifest(name, 'list', list, list.mediaType);
      const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: DOCKER_MANIFEST, digest: sha256(body), size: body.length }] };
      await oci.pushManifest(name, 'index', index, OCI_INDEX);
      expect((await oci.request('GET', `/v2/${name}/manifests/index`)).header('content-type')).toBe(OCI_INDEX);
    });

    it('sets several tags with ?tag= on a PUT by digest, answering one OCI-Tag per tag', async () => {
      const name = uniqueName();
      const config = await oci.pushBlob(name, EMPTY_CONFIG.data);
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: 2 }, layers: [] }));
      const res = await oci.request('PUT', `/v2/${name}/manifests/${sha256(manifest)}?tag=a&tag=b&tag=c`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } });
      expect(res.status).toBe(201);
      expect(res.header('oci-tag')?.split(/,\s*/).sort()).toEqual(['a', 'b', 'c']);
      const tags = (await oci.request('GET', `/v2/${name}/tags/list`)).json().tags;
      expect(tags).toEqual(['a', 'b', 'c']);
    });

    it('refuses a manifest whose blobs or child manifests are missing, and stores nothing', async () => {
      const name = uniqueName();
      const layer = await oci.pushBlob(name);
      const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256('missing config'), size: 14 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }] };
      const res = await oci.request('PUT', `/v2/${name}/manifests/broken`, { body: JSON.stringify(manifest), headers: { 'content-type': OCI_MANIFEST } });
      // Distribution's status for this code: 400, with the unknown digests in the detail.
      expect(res.status).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN', detail: { blobs: [sha256('missing config')] } });
      const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: sha256('no such manifest'), size: 10 }] };
      const res2 = await oci.request('PUT', `/v2/${name}/manifests/broken`, { body: JSON.stringify(index), headers: { 'content-type': OCI_INDEX } });
      expect(res2.status).toBe(400);
      expect(res2.json().errors[0]).toMatchObject({ code: 'MANIFEST_BLOB_UNKNOWN', detail: { manifests: [sha256('no such manifest')] } });
      expect(errorCode(await oci.request('GET', `/v2/${name}/manifests/broken`))).toBe('MANIFEST_UNKNOWN');
    });

    it('accepts a manifest whose subject does not exist yet and answers OCI-Subject', async () => {
      const name = uniqueName();
      const config = await oci.pushBlob(name, EMPTY_CONFIG.data);
      const subject = { mediaType: OCI_MANIFEST, digest: sha256('future image'), size: 123 };
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.example.sig', config: { mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: 2 }, layers: [], subject }));
      const res = await oci.request('PUT', `/v2/${name}/manifests/${sha256(manifest)}`, { body: manifest, headers: { 'content-type': OCI_MANIFEST } });
      expect(res.status).toBe(201);
      expect(res.header('oci-subject')).toBe(subject.digest);
    });
  });

  describe('content discovery', () => {
    it('lists tags sorted, paginated with n and last and a Link header', async () => {
      const name = uniqueName();
      const image = await oci.pushImage(name, 'zeta');
      for (const tag of ['alpha', 'Beta', 'gamma', 'delta']) await oci.pushManifest(name, tag, JSON.parse(image.body.toString()));
      const all = (await oci.request('GET', `/v2/${name}/tags/list`)).json();
      expect(all).toEqual({ name, tags: ['Beta', 'alpha', 'delta', 'gamma', 'zeta'] });
      const page1 = await oci.request('GET', `/v2/${name}/tags/list?n=2`);
      expect(page1.json().tags).toEqual(['Beta', 'alpha']);
      expect(page1.header('link')).toBe(`</v2/${name}/tags/list?n=2&last=alpha>; rel="next"`);
      const page2 = await oci.request('GET', `/v2/${name}/tags/list?n=2&last=alpha`);
      expect(page2.json().tags).toEqual(['delta', 'gamma']);
      const page3 = await oci.request('GET', `/v2/${name}/tags/list?n=2&last=gamma`);
      expect(page3.json().tags).toEqual(['zeta']);
      expect(page3.header('link')).toBeUndefined();
      expect((await oci.request('GET', `/v2/${name}/tags/list?n=0`)).json().tags).toEqual([]);
    });

    it('lists the catalog with pagination', async () => {
      const names = [uniqueName('catalog'), uniqueName('catalog')].sort();
      for (const name of names) await oci.pushImage(name, 'v1');
      const page = await oci.request('GET', `/v2/_catalog?n=1&last=${encodeURIComponent(names[0])}`);
      expect(page.status).toBe(200);
      expect(page.json().repositories).toEqual([names[1]]);
      expect(page.header('link')).toContain('rel="next"');
    });

    it('lists referrers as an OCI index, empty when none, filtered by artifactType', async () => {
      const name = uniqueName();
      const image = await oci.pushImage(name, 'v1');
      const empty = await oci.request('GET', `/v2/${name}/referrers/${image.digest}`);
      expect(empty.status).toBe(200);
      expect(empty.header('content-type')).toBe(OCI_INDEX);
      expect(empty.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });

      const config = await oci.pushBlob(name, EMPTY_CONFIG.data);
      const subject = { mediaType: OCI_MANIFEST, digest: image.digest, size: image.size };
      const artifact = (artifactType: string) => ({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType, config: { mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: 2 }, layers: [], subject, annotations: { kind: artifactType } });
      const sig = await oci.pushManifest(name, sha256(JSON.stringify(artifact('application/vnd.example.sig'))), artifact('application/vnd.example.sig'));
      const sbom = await oci.pushManifest(name, sha256(JSON.stringify(artifact('application/vnd.example.sbom'))), artifact('application/vnd.example.sbom'));
      const all = (await oci.request('GET', `/v2/${name}/referrers/${image.digest}`)).json().manifests;
      expect(all.map((m: { digest: string }) => m.digest).sort()).toEqual([sig.digest, sbom.digest].sort());
      expect(all[0]).toMatchObject({ mediaType: OCI_MANIFEST, size: expect.any(Number), annotations: expect.any(Object) });
      const filtered = await oci.request('GET', `/v2/${name}/referrers/${image.digest}?artifactType=application/vnd.example.sbom`);
      expect(filtered.header('oci-filters-applied')).toBe('artifactType');
      expect(filtered.json().manifests).toEqual([{ mediaType: OCI_MANIFEST, digest: sbom.digest, size: sbom.size, artifactType: 'application/vnd.example.sbom', annotations: { kind: 'application/vnd.example.sbom' } }]);
    });
  });

  describe('content management', () => {
    it('deletes a tag (the manifest stays) and a manifest by digest (its tags go)', async () => {
      const name = uniqueName();
      const image = await oci.pushImage(name, 'one');
      await oci.pushManifest(name, 'two', JSON.parse(image.body.toString()));
      expect((await oci.request('DELETE', `/v2/${name}/manifests/one`)).status).toBe(202);
      expect((await oci.request('GET', `/v2/${name}/manifests/one`)).status).toBe(404);
      expect((await oci.request('GET', `/v2/${name}/manifests/${image.digest}`)).status).toBe(200);
      expect((await oci.request('DELETE', `/v2/${name}/manifests/${image.digest}`)).status).toBe(202);
      expect(errorCode(await oci.request('GET', `/v2/${name}/manifests/two`))).toBe('MANIFEST_UNKNOWN');
      expect(errorCode(await oci.request('GET', `/v2/${name}/manifests/${image.digest}`))).toBe('MANIFEST_UNKNOWN');
      expect(errorCode(await oci.request('DELETE', `/v2/${name}/manifests/${image.digest}`))).toBe('MANIFEST_UNKNOWN');
    });

    it('deletes a blob from a repository', async () => {
      const name = uniqueName();
      const blob = await oci.pushBlob(name);
      expect((await oci.request('DELETE', `/v2/${name}/blobs/${blob.digest}`)).status).toBe(202);
      expect((await oci.request('HEAD', `/v2/${name}/blobs/${blob.digest}`)).status).toBe(404);
      expect(errorCode(await oci.request('DELETE', `/v2/${name}/blobs/${blob.digest}`))).toBe('BLOB_UNKNOWN');
    });
  });

  describe('bad input', () => describeOciBadInput(() => oci));
}
