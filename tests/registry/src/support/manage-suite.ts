import { raw } from './http';
import { ManageClient, swrCode } from './manage-client';
import { EMPTY_CONFIG, OCI_MANIFEST, OciClient } from './oci-client';
import type { RegistryUnderTest } from '@swr/testing';

let counter = 0;
/** An organization name no other test uses (SWR's rule: a lowercase letter first). */
const organizationName = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter += 1)}${process.pid}`;

/** The management API per resource, over HTTP as SDKs and scripts call it: every path, its happy path and its documented errors. */
export function describeManagementApi(registry: () => RegistryUnderTest): void {
  let url: string;
  let admin: ManageClient;
  let adminAccount: string;
  /** A second account, to prove one account never reaches another's objects. */
  let other: ManageClient;
  let otherAccount: string;

  beforeAll(async () => {
    url = registry().url;
    admin = await ManageClient.fromLogin(url, registry().admin);
    adminAccount = registry().admin.username.split('/')[0];
    otherAccount = organizationName('tenant');
    const created = await admin.call('POST', '/v3/domains', { domain: { name: otherAccount }, admin: { name: 'boss', password: 'boss-password-1' } });
    expect(created.status).toBe(201);
    other = await ManageClient.signIn(url, otherAccount, 'boss', 'boss-password-1');
  }, 60_000);

  const createOrganization = async (client: ManageClient = admin) => {
    const name = organizationName('org');
    const res = await client.call('POST', '/v2/manage/namespaces', { namespace: name });
    expect(res.status).toBe(201);
    return name;
  };
  const createRepository = async (namespace: string, body: Record<string, unknown> = {}) => {
    const res = await admin.call('POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: 'team/app', is_public: false, ...body });
    expect(res.status).toBe(200);
    return `${namespace}/team/app`;
  };

  describe('organizations', () => {
    it('creates, lists, shows and deletes an organization, with SWR’s status codes', async () => {
      const name = await createOrganization();
      const listed = (await admin.call('GET', '/v2/manage/namespaces')).json().namespaces;
      expect(listed).toContainEqual({ id: expect.any(Number), name, creator_name: 'admin', auth: 7, access_user_count: 0, repo_count: 0 });
      const filtered = (await admin.call('GET', `/v2/manage/namespaces?filter=namespace::${name}`)).json().namespaces;
      expect(filtered.map((n: { name: string }) => n.name)).toEqual([name]);
      expect((await admin.call('GET', `/v2/manage/namespaces/${name}`)).json()).toEqual({ id: expect.any(Number), name, creator_name: 'admin', auth: 7 });
      expect((await admin.call('DELETE', `/v2/manage/namespaces/${name}`)).status).toBe(204);
      const gone = await admin.call('GET', `/v2/manage/namespaces/${name}`);
      expect([gone.status, swrCode(gone)]).toEqual([404, 'SVCSTG.SWR.4040058']);
    });

    it('refuses bad names, duplicates across accounts, and the reserved name, with the spec’s codes', async () => {
      for (const bad of ['Upper', '1digit', 'a..b', 'trailing-', 'x'.repeat(65), 'library', 'a/b']) {
        const res = await admin.call('POST', '/v2/manage/namespaces', { namespace: bad });
        expect([bad, res.status, swrCode(res)]).toEqual([bad, 400, bad.length > 64 ? 'SVCSTG.SWR.4000014' : 'SVCSTG.SWR.4001028']);
      }
      const name = await createOrganization();
      for (const client of [admin, other]) {
        const res = await client.call('POST', '/v2/manage/namespaces', { namespace: name });
        expect([res.status, swrCode(res)]).toEqual([409, 'SVCSTG.SWR.4090060']);
      }
      for (const body of [{}, { namespace: 42 }, { namespace: name, extra: true }, [name]]) {
        const res = await admin.call('POST', '/v2/manage/namespaces', body);
        expect([res.status, swrCode(res)]).toEqual([400, 'SVCSTG.SWR.4000014']);
      }
      expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: 'whatever' }, '')).status).toBe(401);
    });

    it('keeps another account’s organization out of sight: not listed, not shown, not deleted', async () => {
      const name = await createOrganization();
      expect((await other.call('GET', '/v2/manage/namespaces')).json().namespaces.map((n: { name: string }) => n.name)).not.toContain(name);
      for (const method of ['GET', 'DELETE']) expect((await other.call(method, `/v2/manage/namespaces/${name}`)).status).toBe(404);
      expect((await admin.call('GET', `/v2/manage/namespaces/${name}`)).status).toBe(200);
    });

    it('refuses to delete an organization that still holds repositories (406)', async () => {
      const name = await createOrganization();
      await createRepository(name);
      const res = await admin.call('DELETE', `/v2/manage/namespaces/${name}`);
      expect([res.status, swrCode(res)]).toEqual([406, 'SVCSTG.SWR.4060074']);
      expect((await admin.call('GET', '/v2/manage/namespaces')).json().namespaces.find((n: { name: string }) => n.name === name).repo_count).toBe(1);
    });

    it('stops an account at its organization quota, even when creations race', async () => {
      const tenant = organizationName('quota');
      expect((await admin.call('POST', '/v3/domains', { domain: { name: tenant }, admin: { name: 'boss', password: 'boss-password-1' } })).status).toBe(201);
      const client = await ManageClient.signIn(url, tenant, 'boss', 'boss-password-1');
      const quota = (await client.call('GET', `/v2/manage/projects/${client.projectId}/quotas`)).json().quotas.find((q: { quota_key: string }) => q.quota_key === 'namespace');
      expect(quota).toMatchObject({ used: 0, unit: '' });
      const attempts = await Promise.all(
        Array.from({ length: quota.quota_limit + 5 }, (_, i) => client.call('POST', '/v2/manage/namespaces', { namespace: `${tenant}-n${i}` })),
      );
      expect(attempts.filter((r) => r.status === 201)).toHaveLength(quota.quota_limit);
      expect(attempts.filter((r) => r.status === 400).map(swrCode)).toEqual(Array(5).fill('SVCSTG.SWR.4000097'));
      expect((await client.call('GET', '/v2/manage/namespaces')).json().namespaces).toHaveLength(quota.quota_limit);
    });
  });

  describe('repositories', () => {
    it('creates, shows, changes, lists and deletes a repository', async () => {
      const namespace = await createOrganization();
      const name = await createRepository(namespace, { category: 'linux', description: 'the app' });
      const path = `/v2/manage/namespaces/${namespace}/repos/team$app`;
      const shown = (await admin.call('GET', path)).json();
      expect(shown).toMatchObject({
        name: 'team/app',
        category: 'linux',
        description: 'the app',
        is_public: false,
        num_images: 0,
        num_download: 0,
        size: 0,
        creator_name: 'admin',
        path: `${new URL(url).host}/${name}`,
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      expect((await admin.call('PATCH', path, { is_public: true, description: 'now public', category: 'arms' })).status).toBe(201);
      expect((await admin.call('GET', path)).json()).toMatchObject({ is_public: true, description: 'now public', category: 'arm' });

      const listed = await admin.call('GET', `/v2/manage/repos?filter=namespace::${namespace}|limit::10|offset::0`);
      expect(listed.header('content-range')).toBe('0-1/1');
      expect(listed.json()).toEqual([expect.objectContaining({ name: 'team/app', namespace, domain_name: adminAccount, is_public: true, tags: [], total_range: 1 })]);
      const v3 = (await admin.call('GET', `/v3/manage/repos?namespace=${namespace}`)).json();
      expect(v3).toEqual({ repos: [expect.objectContaining({ name: 'team/app', namespace_name: namespace, domain_name: adminAccount })], nextMarker: -1 });

      expect((await admin.call('DELETE', path)).status).toBe(204);
      const gone = await admin.call('GET', path);
      expect([gone.status, swrCode(gone)]).toEqual([404, 'SVCSTG.SWR.4040010']);
      expect((await admin.call('DELETE', `/v2/manage/namespaces/${namespace}`)).status).toBe(204);
    });

    it('answers each documented error: bad name or attributes, duplicate, unknown or foreign organization', async () => {
      const namespace = await createOrganization();
      await createRepository(namespace);
      const create = (body: unknown, client = admin, ns = namespace) => client.call('POST', `/v2/manage/namespaces/${ns}/repos`, body);
      const dup = await create({ repository: 'team/app', is_public: false });
      expect([dup.status, swrCode(dup)]).toEqual([409, 'SVCSTG.SWR.4090006']);
      for (const bad of ['Team', 'a//b', '-a', 'a_', 'é']) expect(swrCode(await create({ repository: bad, is_public: false }))).toBe('SVCSTG.SWR.4001029');
      for (const body of [{ repository: 'x' }, { repository: 'x', is_public: 'yes' }, { repository: 'x', is_public: true, category: 'games' }, { repository: 'x', is_public: true, owner: 'me' }]) {
        expect((await create(body)).status).toBe(400);
      }
      const unknown = await create({ repository: 'x', is_public: false }, admin, organizationName('nowhere'));
      expect([unknown.status, swrCode(unknown)]).toEqual([404, 'SVCSTG.SWR.4040058']);
      expect((await create({ repository: 'x', is_public: false }, other)).status).toBe(404);
      const path = `/v2/manage/namespaces/${namespace}/repos/team$app`;
      for (const method of ['GET', 'PATCH', 'DELETE']) expect((await other.call(method, path, method === 'PATCH' ? { is_public: true } : undefined)).status).toBe(404);
      expect((await admin.call('GET', path)).json().is_public).toBe(false);
    });

    it('lets a read user see a repository but not change or delete it (403 SVCSTG.SWR.4030170)', async () => {
      const namespace = await createOrganization();
      await createRepository(namespace);
      const userName = organizationName('reader');
      const user = await admin.call('POST', '/v3/users', { user: { name: userName, password: 'reader-password' } });
      const grant = await admin.call('POST', `/v2/manage/namespaces/${namespace}/access`, [{ user_id: user.json().user.id, user_name: userName, auth: 1 }]);
      expect(grant.status).toBe(200);
      const reader = await ManageClient.signIn(url, adminAccount, userName, 'reader-password');
      const path = `/v2/manage/namespaces/${namespace}/repos/team$app`;
      expect((await reader.call('GET', path)).status).toBe(200);
      for (const [method, body] of [['PATCH', { is_public: true }], ['DELETE', undefined]] as const) {
        const res = await reader.call(method, path, body);
        expect([res.status, swrCode(res)]).toEqual([403, 'SVCSTG.SWR.4030170']);
      }
      expect(swrCode(await reader.call('POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: 'mine', is_public: false }))).toBe('SVCSTG.SWR.4030170');
      expect((await reader.call('GET', '/v2/manage/repos?limit=1000')).json().map((r: { namespace: string }) => r.namespace)).toContain(namespace);
    });

    it('pages, filters and orders the repository list, with Content-Range', async () => {
      const namespace = await createOrganization();
      for (const [i, category] of ['linux', 'database', 'linux'].entries()) {
        expect((await admin.call('POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: `r${i}`, is_public: i === 2, category })).status).toBe(200);
      }
      const names = async (query: string) => {
        const res = await admin.call('GET', `/v2/manage/repos?${query}`);
        expect(res.status).toBe(200);
        return { names: res.json().map((r: { name: string }) => r.name), range: res.header('content-range') };
      };
      expect(await names(`namespace=${namespace}&order_column=name&order_type=asc`)).toEqual({ names: ['r0', 'r1', 'r2'], range: '0-3/3' });
      expect(await names(`namespace=${namespace}&order_column=name&order_type=desc&limit=2&offset=1`)).toEqual({ names: ['r1', 'r0'], range: '1-2/3' });
      expect(await names(`namespace=${namespace}&category=linux&order_column=name&order_type=asc`)).toEqual({ names: ['r0', 'r2'], range: '0-2/2' });
      expect(await names(`namespace=${namespace}&is_public=true`)).toEqual({ names: ['r2'], range: '0-1/1' });
      // `filter` wins over plain parameters.
      expect(await names(`namespace=nothing-here&filter=namespace::${namespace}|name::r1`)).toEqual({ names: ['r1'], range: '0-1/1' });
      expect(await names(`namespace=${namespace}&offset=10`)).toEqual({ names: [], range: '10-0/3' });
      for (const bad of ['limit=0', 'limit=1001', 'order_column=name', 'order_column=size&order_type=asc', 'is_public=maybe', 'filter=nokey', 'unknown=1']) {
        const res = await admin.call('GET', `/v2/manage/repos?${bad}`);
        expect([bad, res.status, swrCode(res)?.slice(0, 14)]).toEqual([bad, 400, 'SVCSTG.SWR.400']);
      }
      const v3 = (await admin.call('GET', `/v3/manage/repos?namespace=${namespace}&limit=2`)).json();
      expect(v3.repos).toHaveLength(2);
      const rest = (await admin.call('GET', `/v3/manage/repos?namespace=${namespace}&limit=2&marker=${v3.nextMarker}`)).json();
      expect([rest.repos.length, rest.nextMarker]).toEqual([1, -1]);
    });

    it('makes a public repository pullable by anyone, and private again when changed back', async () => {
      const namespace = await createOrganization();
      const name = await createRepository(namespace, { is_public: true });
      await new OciClient(url, registry().admin).pushImage(name, 'v1');
      expect((await new OciClient(url).request('GET', `/v2/${name}/manifests/v1`)).status).toBe(200);
      expect((await new OciClient(url).request('POST', `/v2/${name}/blobs/uploads/`)).status).toBe(401);
      // Gateways count pulls in memory and add them in batches every few seconds.
      await new OciClient(url).request('GET', `/v2/${name}/manifests/v1`);
      const deadline = Date.now() + 10_000;
      let downloads = 0;
      while (downloads < 2 && Date.now() < deadline) {
        downloads = (await admin.call('GET', `/v2/manage/namespaces/${namespace}/repos/team$app`)).json().num_download;
        if (downloads < 2) await new Promise((r) => setTimeout(r, 250));
      }
      expect(downloads).toBe(2);
      expect((await admin.call('PATCH', `/v2/manage/namespaces/${namespace}/repos/team$app`, { is_public: false })).status).toBe(201);
      expect((await new OciClient(url).request('GET', `/v2/${name}/manifests/v1`)).status).toBe(401);
    });

    it('lists shared repositories on both sides of a share', async () => {
      const namespace = await createOrganization();
      const name = await createRepository(namespace);
      const share = await admin.call('POST', `/v2/manage/namespaces/${namespace}/repositories/team$app/access-domains`, {
        access_domain: otherAccount,
        permit: 'read',
        deadline: 'forever',
      });
      expect(share.status).toBe(201);
      const mine = (await admin.call('GET', `/v2/manage/shared-repositories?center=self&namespace=${namespace}`)).json();
      expect(mine).toEqual([expect.objectContaining({ name: 'team/app', namespace, domain_name: adminAccount, status: true })]);
      const theirs = (await other.call('GET', `/v2/manage/shared-repositories?filter=center::thirdparty|namespace::${namespace}`)).json();
      expect(theirs).toEqual([expect.objectContaining({ name: 'team/app', namespace, domain_name: adminAccount, status: true })]);
      expect((await other.call('GET', `/v3/manage/shared-repositories?shared_by=thirdparty&namespace=${namespace}`)).json().repos).toHaveLength(1);
      expect((await other.call('GET', '/v2/manage/repos?limit=1000')).json().map((r: { namespace: string }) => r.namespace)).not.toContain(namespace);
      expect((await admin.call('GET', '/v2/manage/shared-repositories')).status).toBe(400);
      // Permissions and shares exist only for repositories that do.
      const missing = await admin.call('GET', `/v2/manage/namespaces/${namespace}/repositories/nope/access-domains`);
      expect([missing.status, swrCode(missing)]).toEqual([404, 'SVCSTG.SWR.4040010']);
      expect((await admin.call('GET', `/v2/manage/namespaces/${namespace}/repos/nope/access`)).status).toBe(404);
      expect(name).toBe(`${namespace}/team/app`);
    });
  });

  describe('tags', () => {
    let namespace: string;
    let name: string;
    let base: string;
    let v1: { digest: string; body: Buffer };
    beforeAll(async () => {
      namespace = await createOrganization();
      name = await createRepository(namespace);
      base = `/v2/manage/namespaces/${namespace}/repos/team$app`;
      const oci = new OciClient(url, registry().admin);
      v1 = await oci.pushImage(name, 'v1');
      await oci.pushImage(name, 'v2');
    });

    it('lists tags with SWR’s fields, sizes that add up, and Content-Range', async () => {
      const res = await admin.call('GET', `${base}/tags?order_column=tag&order_type=asc`);
      expect(res.header('content-range')).toBe('0-2/2');
      const [first] = res.json();
      const manifest = JSON.parse(v1.body.toString());
      expect(first).toMatchObject({
        Tag: 'v1',
        digest: v1.digest,
        manifest: v1.body.toString(),
        image_id: manifest.config.digest.slice('sha256:'.length),
        size: v1.body.length + manifest.config.size + manifest.layers[0].size,
        schema: 2,
        tag_type: 0,
        is_trusted: false,
        deleted: null,
        path: `${new URL(url).host}/${name}:v1`,
      });
      expect((await admin.call('GET', `${base}/tags?tag=2`)).json().map((t: { Tag: string }) => t.Tag)).toEqual(['v2']);
      expect((await admin.call('GET', `${base}`)).json()).toMatchObject({ num_images: 2, size: expect.any(Number) });
      const v3 = (await admin.call('GET', `/v3/manage/namespaces/${namespace}/repos/team$app/tags?limit=1&order_column=tag&order_type=asc`)).json();
      expect(v3).toMatchObject({ tags: [{ tag: 'v1', manifest: '' }], nextMarker: '1', has_more: true });
    });

    it('shows one tag, tags an existing digest anew, and deletes a tag so that it no longer pulls', async () => {
      const shown = (await admin.call('GET', `${base}/tags/v1`)).json();
      expect(shown).toMatchObject({ tag: 'v1', digest: v1.digest });
      expect(shown.Tag).toBeUndefined();
      expect((await admin.call('POST', `${base}/tags`, { source_tag: 'v1', destination_tag: 'stable' })).status).toBe(201);
      const clash = await admin.call('POST', `${base}/tags`, { source_tag: 'v2', destination_tag: 'stable' });
      expect(clash.status).toBe(409);
      expect((await admin.call('POST', `${base}/tags`, { source_tag: 'v2', destination_tag: 'stable', override: true })).status).toBe(201);
      expect((await admin.call('POST', `${base}/tags`, { source_tag: v1.digest, destination_tag: 'by-digest' })).status).toBe(201);
      expect((await admin.call('POST', `${base}/tags`, { source_tag: 'nope', destination_tag: 'x' })).status).toBe(404);
      expect((await admin.call('POST', `${base}/tags`, { source_tag: 'v1', destination_tag: 'bad tag' })).status).toBe(400);
      const oci = new OciClient(url, registry().admin);
      expect((await oci.request('GET', `/v2/${name}/manifests/by-digest`)).header('docker-content-digest')).toBe(v1.digest);

      expect((await admin.call('DELETE', `${base}/tags/by-digest`)).status).toBe(204);
      expect((await oci.request('GET', `/v2/${name}/manifests/by-digest`)).status).toBe(404);
      expect((await oci.request('GET', `/v2/${name}/manifests/v1`)).status).toBe(200);
      const missing = await admin.call('GET', `${base}/tags/by-digest`);
      expect([missing.status, swrCode(missing)]).toEqual([404, 'SVCSTG.SWR.4040048']);
      expect((await admin.call('DELETE', `${base}/tags/by-digest`)).status).toBe(404);
      expect((await other.call('GET', `${base}/tags`)).status).toBe(404);
      expect((await other.call('DELETE', `${base}/tags/v1`)).status).toBe(404);
    });

    it('lists the accessories of a tag and the tags an accessory refers to, from the referrers index', async () => {
      const oci = new OciClient(url, registry().admin);
      const config = await oci.pushBlob(name, EMPTY_CONFIG.data);
      const signature = await oci.pushManifest(name, 'v1.sig', {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        config: { mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: config.size },
        layers: [{ mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: config.size }],
        subject: { mediaType: OCI_MANIFEST, digest: v1.digest, size: v1.body.length },
      });
      const accessories = (await admin.call('GET', `${base}/v1/accessories`)).json();
      expect(accessories).toEqual({
        total: 1,
        accessories: [expect.objectContaining({ sig_tag: 'v1.sig', sig_digest: signature.digest, target_digest: v1.digest, type: 'application/vnd.dev.cosign.artifact.sig.v1+json' })],
      });
      expect((await admin.call('GET', `${base}/v1.sig/references`)).json()).toEqual({ next_marker: '', has_more: false, tags: ['v1'] });
      expect((await admin.call('GET', `${base}/v2/accessories`)).json()).toEqual({ total: 0, accessories: [] });
    });
  });

  describe('quotas, overview and versions', () => {
    it('reports live quotas and totals for the caller’s own project only', async () => {
      const namespace = await createOrganization(other);
      expect((await other.call('POST', `/v2/manage/namespaces/${namespace}/repos`, { repository: 'app', is_public: false })).status).toBe(200);
      await new OciClient(url, { username: `${otherAccount}/boss`, password: 'boss-password-1' }).pushImage(`${namespace}/app`, 'v1');
      const quotas = (await other.call('GET', `/v2/manage/projects/${other.projectId}/quotas`)).json().quotas;
      const byKey = Object.fromEntries(quotas.map((q: { quota_key: string }) => [q.quota_key, q]));
      expect(byKey.namespace).toMatchObject({ used: 1, quota_limit: expect.any(Number) });
      expect(byKey.repository).toMatchObject({ used: 1 });
      expect(byKey.storage.used).toBeGreaterThan(1024);
      expect((await other.call('GET', '/v2/manage/overview')).json()).toMatchObject({ domain_name: otherAccount, namspace_num: 1, repo_num: 1, image_num: 1, store_space: byKey.storage.used });
      expect((await other.call('GET', `/v2/manage/projects/${admin.projectId}/quotas`)).status).toBe(403);
    });

    it('answers the API versions to anyone', async () => {
      expect((await raw(url, 'GET', '/')).json()).toEqual({ versions: [expect.objectContaining({ id: 'v2', status: 'CURRENT', min_version: '2.0' })] });
      expect((await raw(url, 'GET', '/v2')).json().version).toMatchObject({ id: 'v2', links: { rel: 'self' } });
    });
  });

  describe('escalation', () => {
    it('refuses another account on every management route that names this account’s objects, and writes nothing', async () => {
      const namespace = await createOrganization();
      const name = await createRepository(namespace);
      await new OciClient(url, registry().admin).pushImage(name, 'v1');
      const base = `/v2/manage/namespaces/${namespace}/repos/team$app`;
      const snapshot = async () => ({
        organization: (await admin.call('GET', `/v2/manage/namespaces/${namespace}`)).json(),
        grants: (await admin.call('GET', `/v2/manage/namespaces/${namespace}/access`)).json(),
        repository: (await admin.call('GET', base)).json(),
        repositoryGrants: (await admin.call('GET', `${base}/access`)).json(),
        tags: (await admin.call('GET', `${base}/tags`)).json(),
        shares: (await admin.call('GET', `/v2/manage/namespaces/${namespace}/repositories/team$app/access-domains`)).json(),
      });
      const before = await snapshot();
      const grant = [{ user_id: other.userId, user_name: 'boss', auth: 7 }];
      const bodies: Record<string, unknown> = {
        CreateNamespace: { namespace },
        CreateRepo: { repository: 'evil', is_public: true },
        UpdateRepo: { is_public: true },
        CreateRepoTag: { source_tag: 'v1', destination_tag: 'evil' },
        CreateNamespaceAuth: grant,
        UpdateNamespaceAuth: grant,
        DeleteNamespaceAuth: [admin.userId],
        CreateRepoAuth: grant,
        UpdateRepoAuth: grant,
        DeleteRepoAuth: [admin.userId],
        CreateRepoDomains: { access_domain: otherAccount, permit: 'read', deadline: 'forever' },
        UpdateRepoDomains: { permit: 'read', deadline: 'forever' },
      };
      const values: Record<string, string> = { namespace, repository: 'team$app', tag: 'v1', access_domain: otherAccount, project_id: admin.projectId };
      const document = (await raw(url, 'GET', '/v2/manage/openapi.json')).json();
      let tried = 0;
      for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, { operationId: string }>>)) {
        if (!path.includes('{')) continue;
        for (const [method, { operationId }] of Object.entries(methods)) {
          const concrete = path.replace(/\{(\w+)\}/g, (_, key: string) => values[key]);
          const res = await other.call(method.toUpperCase(), concrete, bodies[operationId]);
          expect([operationId, res.status < 400 || res.status >= 500 ? res.status : 'refused']).toEqual([operationId, 'refused']);
          tried += 1;
        }
      }
      expect(tried).toBeGreaterThanOrEqual(25);
      for (const list of ['/v2/manage/repos?limit=1000', `/v3/manage/repos?limit=1000`, '/v2/manage/shared-repositories?center=thirdparty', '/v2/manage/namespaces?mode=visible']) {
        expect((await other.call('GET', list)).body.toString()).not.toContain(namespace);
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('OpenAPI', () => {
    it('documents every management route it serves, each of which needs a token, and serves a Swagger UI page', async () => {
      const document = (await raw(url, 'GET', '/v2/manage/openapi.json')).json();
      expect(document.openapi).toBe('3.1.0');
      type Documented = { security: unknown[]; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
      const operations = Object.entries(document.paths as Record<string, Record<string, Documented>>).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          anonymous: operation.security.length === 0,
          // The IAM API's users and access keys answer in IAM's envelope, as documented.
          iam: operation.responses['401']?.content?.['application/json']?.schema?.$ref === '#/components/schemas/IamError',
        })),
      );
      expect(operations.length).toBeGreaterThanOrEqual(37);
      for (const { method, path, anonymous, iam } of operations) {
        const concrete = path.replace(/\{[^}]+\}/g, 'x1');
        const res = await raw(url, method, concrete, { headers: { 'content-type': 'application/json' } });
        expect([method, path, res.status]).toEqual([method, path, anonymous ? 200 : 401]);
        if (!anonymous) expect([method, path, iam ? res.json().error_code : swrCode(res)]).toEqual([method, path, iam ? 'IAM.0401' : 'SVCSTG.SWR.4010000']);
      }
      expect(operations.filter((o) => o.iam).map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['POST /v3/users', 'GET /v3.0/OS-CREDENTIAL/credentials']));
      const page = await raw(url, 'GET', '/v2/manage/docs');
      expect([page.status, page.body.toString()]).toEqual([200, expect.stringContaining('/v2/manage/openapi.json')]);
      expect((await raw(url, 'GET', '/v2/manage/docs/swagger-ui-bundle.js')).status).toBe(200);
      expect((await raw(url, 'GET', '/v2/manage/docs/package.json')).status).toBe(404);
    });
  });
}
