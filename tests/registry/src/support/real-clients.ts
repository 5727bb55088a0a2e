import { CommandResult, DockerEngine, run, startContainerd, startDockerEngine, waitFor } from '@swr/testing';
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManageClient } from './manage-client';
import { uniqueName } from './oci-client';
import type { RegistryUnderTest } from '@swr/testing';
import { WebhookReceiver } from './webhook-receiver';

export function ok(result: CommandResult): string {
  if (result.code !== 0) throw new Error(`command failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
}

/** Builds a local image from scratch with one layer per file: no image is pulled from anywhere. */
export async function buildImage(docker: DockerEngine, tag: string, files: Record<string, string>): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'swr-build-'));
  const lines = ['FROM scratch'];
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(context, name), content);
    lines.push(`ADD ${name} /${name}`);
  }
  writeFileSync(join(context, 'Dockerfile'), `${lines.join('\n')}\n`);
  ok(await docker.docker('build', '-q', '-t', tag, context));
}

/** docker, skopeo and podman against the registry, as their users run them. */
export function describeRealClients(registry: () => RegistryUnderTest): void {
  let docker: DockerEngine;
  let host: string;
  let authEnv: NodeJS.ProcessEnv;
  const skopeo = (...args: string[]) => run('skopeo', args, authEnv);
  let podmanRoot: string;
  const podman = (...args: string[]) =>
    run('podman', [
      `--root=${join(podmanRoot, 'root')}`,
      `--runroot=${join(podmanRoot, 'run')}`,
      '--storage-driver=vfs',
      '--cgroup-manager=cgroupfs',
      '--events-backend=file',
      ...args,
    ], authEnv);

  beforeAll(async () => {
    docker = await startDockerEngine();
    host = new URL(registry().url).host;
    podmanRoot = mkdtempSync(join(tmpdir(), 'swr-podman-'));
    mkdirSync(join(podmanRoot, 'root'));
    // skopeo and podman share one credentials file, as they do on a workstation.
    authEnv = { ...process.env, REGISTRY_AUTH_FILE: join(podmanRoot, 'auth.json') };
    const { username, password } = registry().admin;
    ok(await docker.docker('login', '-u', username, '-p', password, host));
    ok(await skopeo('login', '--tls-verify=false', '-u', username, '-p', password, host));
  }, 60_000);
  afterAll(() => docker?.stop());

  it('docker pushes a two-layer image, pulls it back by tag and by digest, and reuses layers for a second tag', async () => {
    const repo = `${host}/${uniqueName('docker')}`;
    await buildImage(docker, `${repo}:v1`, { 'a.txt': 'first layer', 'b.txt': `second layer ${Date.now()}` });
    const pushed = ok(await docker.docker('push', `${repo}:v1`));
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)?.[1];
    expect(digest).toBeDefined();

    ok(await docker.docker('tag', `${repo}:v1`, `${repo}:v2`));
    const again = ok(await docker.docker('push', `${repo}:v2`));
    expect(again).toContain('Layer already exists');

    ok(await docker.docker('rmi', `${repo}:v1`, `${repo}:v2`));
    ok(await docker.docker('pull', `${repo}:v1`));
    ok(await docker.docker('pull', `${repo}@${digest}`));
    const inspected = JSON.parse(ok(await docker.docker('image', 'inspect', `${repo}:v1`)).trim());
    expect(inspected[0].RepoDigests).toContain(`${repo}@${digest}`);
    expect(inspected[0].RootFS.Layers).toHaveLength(2);
  });

  it('applies a retention policy to what docker pushed: the two newest tags and the exception stay, and pull; the rest are gone', async () => {
    const manage = await ManageClient.fromLogin(registry().url, registry().admin);
    const namespace = `aged${Date.now().toString(36)}`;
    expect((await manage.call('POST', '/v2/manage/namespaces', { namespace })).status).toBe(201);
    const repo = `${host}/${namespace}/app`;
    for (const tag of ['v1', 'v2', 'v3', 'v4', 'v5']) {
      await buildImage(docker, `${repo}:${tag}`, { 'version.txt': `${tag} ${Date.now()}` });
      ok(await docker.docker('push', `${repo}:${tag}`));
    }
    const policy = { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '2' }, tag_selectors: [{ kind: 'label', pattern: 'v1' }] }] };
    expect((await manage.call('POST', `/v2/manage/namespaces/${namespace}/repos/app/retentions`, policy)).status).toBe(201);
    const histories = async () => (await manage.call('GET', `/v2/manage/namespaces/${namespace}/repos/app/retentions/histories`)).json();
    await waitFor('the policy applied', async () => (await histories()).total === 2);
    expect((await histories()).retention_log.map((l: { tag: string; rule_type: string }) => [l.tag, JSON.parse(l.rule_type).template]).sort()).toEqual([
      ['v2', 'tag_rule'],
      ['v3', 'tag_rule'],
    ]);
    for (const tag of ['v1', 'v2', 'v3', 'v4', 'v5']) ok(await docker.docker('rmi', `${repo}:${tag}`));
    for (const tag of ['v1', 'v4', 'v5']) ok(await docker.docker('pull', `${repo}:${tag}`));
    for (const tag of ['v2', 'v3']) expect((await docker.docker('pull', `${repo}:${tag}`)).code).not.toBe(0);
  });

  it('fires a webhook for the docker push of a matching tag only, signed, naming the digest docker reports', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const manage = await ManageClient.fromLogin(registry().url, registry().admin);
      const namespace = `hooked${Date.now().toString(36)}`;
      expect((await manage.call('POST', '/v2/manage/namespaces', { namespace })).status).toBe(201);
      expect((await manage.call('POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: 'app', is_public: false })).status).toBe(200);
      const trigger = { name: 'release', action: 'webhook', trigger_type: 'tag', condition: 'release', enable: 'true', webhook: { url: `${receiver.url}/hook`, secret: 'docker-secret' } };
      expect((await manage.call('POST', `/v2/manage/namespaces/${namespace}/repos/app/triggers`, trigger)).status).toBe(201);
      const repo = `${host}/${namespace}/app`;
      const digests: Record<string, string> = {};
      for (const tag of ['dev', 'release']) {
        await buildImage(docker, `${repo}:${tag}`, { 'app.txt': `${tag} ${Date.now()}` });
        digests[tag] = /digest: (sha256:[a-f0-9]{64})/.exec(ok(await docker.docker('push', `${repo}:${tag}`)))?.[1] ?? '';
      }
      await waitFor('the delivery', async () => receiver.on('/hook').length > 0);
      await new Promise((r) => setTimeout(r, 1_500));
      const deliveries = receiver.on('/hook');
      expect(deliveries).toHaveLength(1);
      const [delivery] = deliveries;
      expect(JSON.parse(delivery.body)).toMatchObject({ tag: 'release', digest: digests.release, repository: `${namespace}/app`, pull_address: expect.stringMatching(new RegExp(`/${namespace}/app:release$`)) });
      expect(delivery.headers['x-swr-signature']).toBe(`sha256=${createHmac('sha256', 'docker-secret').update(delivery.body).digest('hex')}`);
      ok(await docker.docker('rmi', `${repo}:dev`, `${repo}:release`));
    } finally {
      await receiver.stop();
    }
  });

  it('round-trips with the management API: docker pushes two tags into a repository made through the API, the API lists them as docker reports them and deletes one', async () => {
    const manage = await ManageClient.fromLogin(registry().url, registry().admin);
    const namespace = `roundtrip${Date.now().toString(36)}`;
    expect((await manage.call('POST', '/v2/manage/namespaces', { namespace })).status).toBe(201);
    expect((await manage.call('POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: 'web/app', is_public: false })).status).toBe(200);
    const repo = `${host}/${namespace}/web/app`;
    const reported: Record<string, { digest: string; size: number }> = {};
    for (const tag of ['v1', 'v2']) {
      await buildImage(docker, `${repo}:${tag}`, { 'app.txt': `${tag} ${Date.now()}` });
      const [, digest, size] = /digest: (sha256:[a-f0-9]{64}) size: (\d+)/.exec(ok(await docker.docker('push', `${repo}:${tag}`))) ?? [];
      reported[tag] = { digest, size: Number(size) };
    }
    const tags = (await manage.call('GET', `/v2/manage/namespaces/${namespace}/repos/web$app/tags?order_column=tag&order_type=asc`)).json();
    expect(tags.map((t: { Tag: string; digest: string }) => [t.Tag, t.digest])).toEqual([
      ['v1', reported.v1.digest],
      ['v2', reported.v2.digest],
    ]);
    for (const tag of tags) {
      const manifest = JSON.parse(tag.manifest);
      // docker reports the manifest's size; the image's size adds what it references.
      expect(tag.manifest.length).toBe(reported[tag.Tag].size);
      expect(tag.size).toBe(reported[tag.Tag].size + manifest.config.size + manifest.layers.reduce((sum: number, l: { size: number }) => sum + l.size, 0));
    }
    expect((await manage.call('DELETE', `/v2/manage/namespaces/${namespace}/repos/web$app/tags/v1`)).status).toBe(204);
    ok(await docker.docker('rmi', `${repo}:v1`, `${repo}:v2`));
    const refused = await docker.docker('pull', `${repo}:v1`);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not found|manifest unknown/i);
    ok(await docker.docker('pull', `${repo}:v2`));
  });

  it('docker pushes a multi-platform manifest list and pulls through it', async () => {
    const base = uniqueName('multi');
    const amd = `${host}/${base}-amd64:v1`;
    const arm = `${host}/${base}-arm64:v1`;
    await buildImage(docker, amd, { 'arch.txt': 'amd64' });
    await buildImage(docker, arm, { 'arch.txt': 'arm64' });
    ok(await docker.docker('push', amd));
    ok(await docker.docker('push', arm));
    const list = `${host}/${base}:latest`;
    ok(await docker.docker('manifest', 'create', '--insecure', list, amd, arm));
    ok(await docker.docker('manifest', 'annotate', '--arch', 'arm64', list, arm));
    const pushed = ok(await docker.docker('manifest', 'push', '--insecure', list));
    expect(pushed).toMatch(/sha256:[a-f0-9]{64}/);

    const raw = JSON.parse(ok(await skopeo('inspect', '--tls-verify=false', '--raw', `docker://${list}`)));
    expect(raw.mediaType).toBe('application/vnd.docker.distribution.manifest.list.v2+json');
    expect(raw.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
    ok(await docker.docker('pull', list));
  });

  it('skopeo copies, inspects, lists tags and deletes, including an OCI index with --all', async () => {
    const source = `${host}/${uniqueName('skopeo-src')}`;
    await buildImage(docker, `${source}:v1`, { 'file.txt': `skopeo ${Date.now()}` });
    ok(await docker.docker('push', `${source}:v1`));

    const target = `${host}/${uniqueName('skopeo')}`;
    ok(await skopeo('copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${source}:v1`, `docker://${target}:a`));
    ok(await skopeo('copy', '--src-tls-verify=false', '--dest-tls-verify=false', '--format=oci', `docker://${source}:v1`, `docker://${target}:b`));
    const inspected = JSON.parse(ok(await skopeo('inspect', '--tls-verify=false', `docker://${target}:b`)));
    expect(inspected.Layers).toHaveLength(1);
    expect(JSON.parse(ok(await skopeo('inspect', '--tls-verify=false', '--raw', `docker://${target}:b`))).mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(JSON.parse(ok(await skopeo('list-tags', '--tls-verify=false', `docker://${target}`))).Tags).toEqual(['a', 'b']);

    ok(await skopeo('delete', '--tls-verify=false', `docker://${target}:a`));
    expect((await skopeo('inspect', '--tls-verify=false', `docker://${target}:a`)).code).not.toBe(0);

    const layout = mkdtempSync(join(tmpdir(), 'swr-oci-layout-'));
    ok(await skopeo('copy', '--src-tls-verify=false', `docker://${source}:v1`, `oci:${layout}:one`));
    ok(await skopeo('copy', '--src-tls-verify=false', '--format=oci', `docker://${target}:b`, `oci:${layout}:two`));
    const indexRepo = `${host}/${uniqueName('ociindex')}`;
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')).manifests.map((m: Record<string, unknown>, i: number) => ({
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.size,
        platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
      })),
    };
    const indexLayout = mkdtempSync(join(tmpdir(), 'swr-oci-index-'));
    ok(await run('cp', ['-r', join(layout, 'blobs'), indexLayout]));
    const indexBody = JSON.stringify(index);
    const indexDigest = createHash('sha256').update(indexBody).digest('hex');
    writeFileSync(join(indexLayout, 'blobs/sha256', indexDigest), indexBody);
    writeFileSync(join(indexLayout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    writeFileSync(
      join(indexLayout, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: index.mediaType, digest: `sha256:${indexDigest}`, size: indexBody.length, annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] }),
    );
    ok(await skopeo('copy', '--all', '--dest-tls-verify=false', `oci:${indexLayout}:multi`, `docker://${indexRepo}:multi`));
    const pushedIndex = JSON.parse(ok(await skopeo('inspect', '--tls-verify=false', '--raw', `docker://${indexRepo}:multi`)));
    expect(pushedIndex.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(pushedIndex.manifests).toHaveLength(2);
    const back = mkdtempSync(join(tmpdir(), 'swr-oci-back-'));
    ok(await skopeo('copy', '--all', '--src-tls-verify=false', `docker://${indexRepo}:multi`, `oci:${back}:multi`));
  });

  it('ctr (containerd) fetches with credentials through the OAuth2 form of the token endpoint, and not without them', async () => {
    const source = `${host}/${uniqueName('ctr')}`;
    await buildImage(docker, `${source}:v1`, { 'c.txt': `ctr ${Date.now()}` });
    ok(await docker.docker('push', `${source}:v1`));
    const containerd = await startContainerd();
    try {
      const { username, password } = registry().admin;
      ok(await containerd.ctr('content', 'fetch', '--plain-http', '--user', `${username}:${password}`, `${source}:v1`));
      const anonymous = await containerd.ctr('content', 'fetch', '--plain-http', `${source}:v1`);
      expect(anonymous.code).not.toBe(0);
    } finally {
      await containerd.stop();
    }
  });

  it('podman pulls and pushes', async () => {
    const source = `${host}/${uniqueName('podman-src')}`;
    await buildImage(docker, `${source}:v1`, { 'p.txt': `podman ${Date.now()}` });
    ok(await docker.docker('push', `${source}:v1`));
    ok(await podman('pull', '--tls-verify=false', `${source}:v1`));
    const target = `${host}/${uniqueName('podman')}:v1`;
    ok(await podman('tag', `${source}:v1`, target));
    ok(await podman('push', '--tls-verify=false', target));
    expect(JSON.parse(ok(await skopeo('inspect', '--tls-verify=false', `docker://${target}`))).Layers).toHaveLength(1);
  });
}
