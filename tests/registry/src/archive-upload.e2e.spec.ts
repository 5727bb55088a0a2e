import { DockerEngine, RegistryUnderTest, run, startDockerEngine, startStandaloneRegistry, waitFor } from '@swr/testing';
import { createReadStream, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { raw } from './support/http';
import { ManageClient, swrCode } from './support/manage-client';
import { buildImage, ok } from './support/real-clients';

/** A small limit, so that going past it needs no gigabytes. */
const LIMIT = 1024 * 1024;
/** The account's storage quota: the small images fit, one with a 700 KiB layer does not. */
const QUOTA = 512 * 1024;

/** One ustar header block for a file of `size` bytes. */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

describe('image archives uploaded through the management API', () => {
  let registry: RegistryUnderTest;
  let docker: DockerEngine;
  let manage: ManageClient;
  let host: string;
  const namespace = `archives${Date.now().toString(36)}`;
  const work = mkdtempSync(join(tmpdir(), 'swr-archives-'));

  beforeAll(async () => {
    registry = await startStandaloneRegistry(undefined, { env: { SWR_ARCHIVE_MAX_BYTES: String(LIMIT), SWR_QUOTA_STORAGE_BYTES: String(QUOTA) } });
    docker = await startDockerEngine();
    host = new URL(registry.url).host;
    manage = await ManageClient.fromLogin(registry.url, registry.admin);
    expect((await manage.call('POST', '/v2/manage/namespaces', { namespace })).status).toBe(201);
    const { username, password } = registry.admin;
    ok(await docker.docker('login', '-u', username, '-p', password, host));
  }, 120_000);
  afterAll(async () => {
    await docker?.stop();
    await registry?.stop();
  }, 60_000);

  const upload = (repository: string, body: Buffer | Readable, contentType: string, headers: Record<string, string> = {}) =>
    raw(registry.url, 'POST', `/v2/manage/namespaces/${namespace}/repos/${repository}/archives`, {
      headers: { 'content-type': contentType, 'x-auth-token': manage.token, ...headers },
      body,
    });

  it.each([
    ['a docker save archive', false],
    ['a gzipped docker save archive', true],
  ])('pushes %s as docker would: docker pulls it back with the same image id', async (_what, gzipped) => {
    const repository = gzipped ? 'gz' : 'plain';
    const local = `local/${repository}:v1`;
    await buildImage(docker, local, { 'a.txt': `first ${repository} ${Date.now()}`, 'b.txt': 'second layer' });
    ok(await docker.docker('tag', local, `local/${repository}:v2`));
    const id = ok(await docker.docker('inspect', '--format', '{{.Id}}', local)).trim();
    const file = join(work, `${repository}.tar`);
    ok(await docker.docker('save', '-o', file, local, `local/${repository}:v2`));
    if (gzipped) writeFileSync(file, gzipSync(readFileSync(file)));

    // Streamed from the file, without a length: the server counts as the bytes come.
    const res = await upload(repository, createReadStream(file), gzipped ? 'application/gzip' : 'application/x-tar');
    expect(res.status).toBe(201);
    const { images } = res.json();
    expect(images.map((i: { tag: string }) => i.tag).sort()).toEqual(['v1', 'v2']);
    expect(images[0]).toEqual({ tag: expect.any(String), digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/), size: expect.any(Number), media_type: 'application/vnd.docker.distribution.manifest.v2+json' });
    expect(statSync(file).size).toBeLessThan(LIMIT);

    const tags = await manage.call('GET', `/v2/manage/namespaces/${namespace}/repos/${repository}/tags`);
    expect(tags.status).toBe(200);
    expect(tags.json().map((t: { Tag: string }) => t.Tag).sort()).toEqual(['v1', 'v2']);

    ok(await docker.docker('rmi', local, `local/${repository}:v2`));
    const remote = `${host}/${namespace}/${repository}:v1`;
    ok(await docker.docker('pull', remote));
    expect(ok(await docker.docker('inspect', '--format', '{{.Id}}', remote)).trim()).toBe(id);
  });

  it('pushes an OCI image layout archive (skopeo oci-archive) with its manifest as it is, tagged by its ref.name', async () => {
    const local = 'local/oci:v1';
    await buildImage(docker, local, { 'o.txt': `oci ${Date.now()}` });
    // skopeo writes an OCI config (a new image id) over the same layers.
    const layers = ok(await docker.docker('inspect', '--format', '{{json .RootFS.Layers}}', local)).trim();
    const file = join(work, 'oci.tar');
    ok(await run('skopeo', ['copy', '--src-daemon-host', docker.env.DOCKER_HOST as string, `docker-daemon:${local}`, `oci-archive:${file}:v3`]));
    const res = await upload('oci', createReadStream(file), 'application/x-tar');
    expect(res.status).toBe(201);
    expect(res.json().images).toEqual([{ tag: 'v3', digest: expect.stringMatching(/^sha256:/), size: expect.any(Number), media_type: 'application/vnd.oci.image.manifest.v1+json' }]);
    ok(await docker.docker('rmi', local));
    const remote = `${host}/${namespace}/oci:v3`;
    ok(await docker.docker('pull', remote));
    expect(ok(await docker.docker('inspect', '--format', '{{json .RootFS.Layers}}', remote)).trim()).toBe(layers);
    expect(ok(await docker.docker('inspect', '--format', '{{json .RepoDigests}}', remote))).toContain(res.json().images[0].digest);
  });

  it('leaves the audit trail a docker push leaves: the images pushed, by the uploader', async () => {
    const names = async () => {
      const res = await manage.call('GET', `/v3/${manage.projectId}/traces?limit=200&trace_name=pushImage`);
      return (res.json().traces as Array<{ trace_name: string; resource_name: string; user: { name: string } }>).filter((t) => t.resource_name.includes(`${namespace}/plain`));
    };
    await waitFor('the push traces', async () => (await names()).length >= 2);
    expect((await names()).every((t) => t.trace_name === 'pushImage' && t.user.name === 'admin')).toBe(true);
  });

  it('refuses a body that is not an image archive with 400 and the SWR envelope, pushing nothing', async () => {
    const res = await upload('junk', Buffer.from('this is not a tar archive at all\n'.repeat(40)), 'application/octet-stream');
    expect(res.status).toBe(400);
    expect(swrCode(res)).toBe('SVCSTG.SWR.4000069');
    expect(res.json().error_msg).toMatch(/not an image archive/);
    const tar = Buffer.concat([tarHeader('hello.txt', 5), Buffer.from('hello'), Buffer.alloc(507 + 1024)]);
    const noManifest = await upload('junk', tar, 'application/x-tar');
    expect(noManifest.status).toBe(400);
    expect(noManifest.json().error_msg).toMatch(/manifest\.json/);
    expect((await manage.call('GET', `/v2/manage/namespaces/${namespace}/repos/junk/tags`)).json()).toEqual([]);
  });

  it('refuses an archive over the limit with 413, whether it says its length or streams past it', async () => {
    const big = Buffer.concat([tarHeader('big.bin', 2 * LIMIT), Buffer.alloc(2 * LIMIT, 1), Buffer.alloc(1024)]);
    const declared = await upload('big', big, 'application/x-tar');
    expect(declared.status).toBe(413);
    expect(swrCode(declared)).toBe('SVCSTG.SWR.4130025');
    const streamed = await upload('big', Readable.from([big.subarray(0, LIMIT / 2), big.subarray(LIMIT / 2)]), 'application/x-tar');
    expect(streamed.status).toBe(413);
    expect(swrCode(streamed)).toBe('SVCSTG.SWR.4130025');
  });

  it('refuses an archive whose layers would exceed the storage quota with the quota code, pushing nothing', async () => {
    await buildImage(docker, 'local/heavy:v1', { 'heavy.bin': 'x'.repeat(700 * 1024) });
    const file = join(work, 'heavy.tar');
    ok(await docker.docker('save', '-o', file, 'local/heavy:v1'));
    const res = await upload('heavy', readFileSync(file), 'application/x-tar');
    expect(res.status).toBe(400);
    expect(swrCode(res)).toBe('SVCSTG.SWR.4000098');
    expect(res.json().error_msg).toMatch(/quota/);
    const tags = await manage.call('GET', `/v2/manage/namespaces/${namespace}/repos/heavy/tags`);
    expect(tags.status === 404 || tags.json().length === 0).toBe(true);
  });

  it('refuses a user with only the read permission (403 SVCSTG.SWR.4030170), and 404 for an organization that does not exist', async () => {
    const userName = `reader${Date.now().toString(36)}`;
    const user = await manage.call('POST', '/v3/users', { user: { name: userName, password: 'reader-password' } });
    expect(user.status).toBe(201);
    expect((await manage.call('POST', `/v2/manage/namespaces/${namespace}/access`, [{ user_id: user.json().user.id, user_name: userName, auth: 1 }])).status).toBe(200);
    const reader = await ManageClient.signIn(registry.url, registry.admin.username.split('/')[0], userName, 'reader-password');
    const archive = Buffer.concat([tarHeader('a', 1), Buffer.alloc(511 + 1024)]);
    const res = await raw(registry.url, 'POST', `/v2/manage/namespaces/${namespace}/repos/plain/archives`, { headers: { 'content-type': 'application/x-tar', 'x-auth-token': reader.token }, body: archive });
    expect([res.status, swrCode(res)]).toEqual([403, 'SVCSTG.SWR.4030170']);
    const nowhere = await raw(registry.url, 'POST', `/v2/manage/namespaces/nosuch${Date.now().toString(36)}/repos/x/archives`, { headers: { 'content-type': 'application/x-tar', 'x-auth-token': manage.token }, body: archive });
    expect([nowhere.status, swrCode(nowhere)]).toEqual([404, 'SVCSTG.SWR.4040058']);
  });

  it('answers 401 without a token and leaves JSON routes to their own parser', async () => {
    const res = await raw(registry.url, 'POST', `/v2/manage/namespaces/${namespace}/repos/x/archives`, { headers: { 'content-type': 'application/x-tar' }, body: Buffer.alloc(1024) });
    expect(res.status).toBe(401);
    const elsewhere = await raw(registry.url, 'POST', '/v2/manage/namespaces', { headers: { 'content-type': 'application/x-tar', 'x-auth-token': manage.token }, body: Buffer.alloc(10) });
    expect(elsewhere.status).toBe(415);
  });

  it('is described in the OpenAPI document with its binary body', async () => {
    const doc = (await (await fetch(`${registry.url}/v2/manage/openapi.json`)).json()) as { paths: Record<string, Record<string, any>> };
    const op = doc.paths['/v2/manage/namespaces/{namespace}/repos/{repository}/archives'].post;
    expect(op.operationId).toBe('UploadImageArchive');
    expect(Object.keys(op.requestBody.content)).toContain('application/x-tar');
    expect(Object.keys(op.responses).sort()).toEqual(['201', '400', '401', '403', '404', '413']);
  });
});
