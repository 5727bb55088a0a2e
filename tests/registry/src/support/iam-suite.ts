import { loginKey } from '@swr/auth';
import { DockerEngine, startDockerEngine } from '@swr/testing';
import { raw } from './http';
import { errorCode, OciClient, uniqueName } from './oci-client';
import type { RegistryUnderTest } from '@swr/testing';

const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** IAM over HTTP as users script it, and every docker login form, against a running registry. */
export function describeIamAndLogins(registry: () => RegistryUnderTest): void {
  let url: string;
  let host: string;
  let docker: DockerEngine;
  let adminToken: string;
  const call = (method: string, path: string, token?: string, body?: unknown) =>
    raw(url, method, path, { ...(body === undefined ? {} : json(body)), headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) } });
  const keystone = async (account: string, user: string, password: string) =>
    call('POST', '/v3/auth/tokens', undefined, {
      auth: { identity: { methods: ['password'], password: { user: { name: user, password, domain: { name: account } } } }, scope: { project: { name: 'local-1' } } },
    });

  beforeAll(async () => {
    url = registry().url;
    host = new URL(url).host;
    docker = await startDockerEngine();
    const [account, user] = registry().admin.username.split('/');
    const res = await keystone(account, user, registry().admin.password);
    expect(res.status).toBe(201);
    adminToken = res.header('x-subject-token') as string;
  }, 60_000);
  afterAll(() => docker?.stop());

  it('issues Keystone tokens with the user and project, and refuses a wrong password in IAM’s error format', async () => {
    const [account, user] = registry().admin.username.split('/');
    const ok = await keystone(account, user, registry().admin.password);
    expect(ok.json().token).toMatchObject({ user: { name: user, domain: { name: account } }, project: { name: 'local-1', id: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    const bad = await keystone(account, user, 'wrong password');
    expect(bad.status).toBe(401);
    expect(bad.json()).toMatchObject({ error_code: expect.stringMatching(/^IAM\./), error_msg: expect.any(String) });
    expect((await call('GET', '/v3/users')).status).toBe(401);
    expect((await call('GET', '/v3/users', 'not-a-token')).status).toBe(401);
  });

  it('logs docker in with a password, with the long-term login key of an access key, and no longer once the key is disabled', async () => {
    const { username, password } = registry().admin;
    const docker_ = (...args: string[]) => docker.docker(...args);
    expect((await docker_('login', '-u', username, '-p', password, host)).code).toBe(0);
    const me = (await keystone(...(username.split('/') as [string, string]), password)).json().token.user.id;
    const created = await call('POST', '/v3.0/OS-CREDENTIAL/credentials', adminToken, { credential: { user_id: me, description: 'e2e' } });
    expect(created.status).toBe(201);
    const { access, secret } = created.json().credential;
    expect(created.json().credential).toMatchObject({ user_id: me, status: 'active', description: 'e2e' });
    const akLogin = await docker_('login', '-u', `local-1@${access}`, '-p', loginKey(access, secret), host);
    expect(akLogin.code).toBe(0);
    expect((await call('PUT', `/v3.0/OS-CREDENTIAL/credentials/${access}`, adminToken, { credential: { status: 'inactive' } })).status).toBe(200);
    const refused = await docker_('login', '-u', `local-1@${access}`, '-p', loginKey(access, secret), host);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/unauthorized|incorrect/i);
    expect((await call('DELETE', `/v3.0/OS-CREDENTIAL/credentials/${access}`, adminToken)).status).toBe(204);
  });

  it('gives a temporary login command that docker accepts, valid 6 hours by default, within the allowed durations', async () => {
    const res = await call('POST', '/v2/manage/utils/secret', adminToken);
    expect(res.status).toBe(200);
    const command = res.header('x-swr-dockerlogin') as string;
    const [, user, pass, registryHost] = /^docker login -u (\S+) -p (\S+) (\S+)$/.exec(command) ?? [];
    expect(registryHost).toBe(host);
    expect(user).toMatch(/^local-1@[A-Z0-9]{20}$/);
    expect(Date.parse(res.header('x-swr-expireat') as string) - Date.now()).toBeGreaterThan(6 * 3600_000 - 60_000);
    expect(Buffer.from(res.json().auths[host].auth, 'base64').toString()).toBe(`${user}:${pass}`);
    expect((await docker.docker('login', '-u', user, '-p', pass, host)).code).toBe(0);
    expect((await call('POST', '/v2/manage/utils/secret?duration_seconds=60', adminToken)).status).toBe(400);
    expect(errorCode(await call('POST', '/v2/manage/utils/secret?duration_seconds=86401', adminToken))).toBeUndefined();
    expect((await call('POST', '/v2/manage/utils/secret?duration_seconds=86401', adminToken)).json().error_code).toMatch(/^SVCSTG\.SWR\.400/);
  });

  it('refuses a push without login', async () => {
    const repo = `${host}/${uniqueName('nologin')}`;
    await docker.docker('logout', host);
    const context = require('node:fs').mkdtempSync(`${require('node:os').tmpdir()}/swr-nologin-`);
    require('node:fs').writeFileSync(`${context}/Dockerfile`, 'FROM scratch\nADD Dockerfile /x\n');
    expect((await docker.docker('build', '-q', '-t', `${repo}:v1`, context)).code).toBe(0);
    const push = await docker.docker('push', `${repo}:v1`);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/unauthorized|denied|authentication required/i);
  });

  it('keeps accounts apart: users, keys and repositories of one are invisible to the other', async () => {
    const tenant = `tenant${Date.now()}`;
    expect((await call('POST', '/v3/domains', adminToken, { domain: { name: tenant }, admin: { name: 'boss', password: 'boss-password-1' } })).status).toBe(201);
    const tenantToken = (await keystone(tenant, 'boss', 'boss-password-1')).header('x-subject-token') as string;
    const alice = await call('POST', '/v3/users', adminToken, { user: { name: `alice${Date.now()}`, password: 'alice-password-1' } });
    expect(alice.status).toBe(201);
    const aliceId = alice.json().user.id;
    expect((await call('GET', `/v3/users/${aliceId}`, tenantToken)).status).toBe(404);
    expect((await call('PATCH', `/v3/users/${aliceId}`, tenantToken, { user: { enabled: false } })).status).toBe(404);
    expect((await call('DELETE', `/v3/users/${aliceId}`, tenantToken)).status).toBe(404);
    expect((await call('POST', '/v3.0/OS-CREDENTIAL/credentials', tenantToken, { credential: { user_id: aliceId } })).status).toBe(404);
    expect((await call('GET', '/v3/users', tenantToken)).json().users.map((u: { name: string }) => u.name)).toEqual(['boss']);
    expect((await call('POST', '/v3/domains', tenantToken, { domain: { name: 'x' }, admin: { name: 'y', password: 'yyyyyyyy' } })).status).toBe(403);

    // The operator sees every account and may disable one: its sign-ins and live tokens stop at once.
    const domains = (await call('GET', '/v3/domains', adminToken)).json().domains as Array<{ id: string; name: string; enabled: boolean }>;
    const tenantDomain = domains.find((d) => d.name === tenant);
    expect(tenantDomain).toMatchObject({ enabled: true });
    expect((await call('GET', '/v3/domains', tenantToken)).json().domains.map((d: { name: string }) => d.name)).toEqual([tenant]);
    expect((await call('PATCH', `/v3/domains/${tenantDomain?.id}`, tenantToken, { domain: { enabled: false } })).status).toBe(403);
    const operatorDomain = domains.find((d) => d.name === registry().admin.username.split('/')[0]);
    expect((await call('PATCH', `/v3/domains/${operatorDomain?.id}`, adminToken, { domain: { enabled: false } })).status).toBe(403);
    expect((await call('PATCH', `/v3/domains/${tenantDomain?.id}`, adminToken, { domain: { enabled: false } })).json().domain).toMatchObject({ enabled: false });
    expect((await call('GET', '/v3/users', tenantToken)).status).toBe(401);
    expect((await keystone(tenant, 'boss', 'boss-password-1')).status).toBe(401);
    expect((await call('PATCH', `/v3/domains/${tenantDomain?.id}`, adminToken, { domain: { enabled: true } })).status).toBe(200);
    expect((await keystone(tenant, 'boss', 'boss-password-1')).status).toBe(201);
    expect((await call('GET', `/v3/users/${aliceId}`, adminToken)).status).toBe(200);

    const owner = new OciClient(url, registry().admin);
    const stranger = new OciClient(url, { username: `${tenant}/boss`, password: 'boss-password-1' });
    const name = uniqueName('private');
    const image = await owner.pushImage(name, 'v1');
    expect((await stranger.request('GET', `/v2/${name}/manifests/v1`)).status).toBe(401);
    expect((await stranger.request('POST', `/v2/${name}/blobs/uploads/`)).status).toBe(401);
    expect((await new OciClient(url).request('GET', `/v2/${name}/manifests/${image.digest}`)).status).toBe(401);
    // The catalog lists only what the caller may pull.
    const around = `/v2/_catalog?n=5&last=${encodeURIComponent(name.slice(0, -1))}`;
    expect((await owner.request('GET', around)).json().repositories).toContain(name);
    expect((await stranger.request('GET', around)).json().repositories).not.toContain(name);
    // A mount from the other account's repository is refused quietly: the client uploads instead.
    const layer = JSON.parse(image.body.toString()).layers[0].digest;
    const theirs = `${tenant}/repo`;
    const authorization = await stranger.authorization(`repository:${theirs}:pull,push repository:${name}:pull`);
    const mount = await stranger.request('POST', `/v2/${theirs}/blobs/uploads/?mount=${layer}&from=${name}`, { headers: { authorization } });
    expect(mount.status).toBe(202);
    expect((await stranger.request('HEAD', `/v2/${theirs}/blobs/${layer}`)).status).toBe(404);
  });

  it('slows repeated failed logins of one user with a clear message', async () => {
    const target = `victim${Date.now()}`;
    expect((await call('POST', '/v3/users', adminToken, { user: { name: target, password: 'victim-password' } })).status).toBe(201);
    const account = registry().admin.username.split('/')[0];
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`${account}/${target}:${password}`).toString('base64')}` });
    for (let i = 0; i < 5; i++) expect((await raw(url, 'GET', '/auth/token?service=swr-registry', { headers: basic('guess') })).status).toBe(401);
    const locked = await raw(url, 'GET', '/auth/token?service=swr-registry', { headers: basic('victim-password') });
    expect(locked.status).toBe(429);
    expect(locked.json().errors[0]).toMatchObject({ code: 'TOOMANYREQUESTS', message: expect.stringMatching(/too many failed logins.*try again after/) });
  });

  it('lets a read user pull and not push, a write user push and not delete, as granted and revoked through SWR’s permission API', async () => {
    const org = `perm${Date.now()}`;
    const name = `${org}/team/app`;
    const admin = new OciClient(url, registry().admin);
    await admin.pushImage(name, 'v1');
    const account = registry().admin.username.split('/')[0];
    const makeUser = async (who: string) => {
      const res = await call('POST', '/v3/users', adminToken, { user: { name: `${who}${Date.now()}`, password: `${who}-password` } });
      return { id: res.json().user.id as string, name: res.json().user.name as string, client: new OciClient(url, { username: `${account}/${res.json().user.name}`, password: `${who}-password` }) };
    };
    const reader = await makeUser('reader');
    const writer = await makeUser('writer');
    const canPull = async (c: OciClient) => (await c.request('GET', `/v2/${name}/manifests/v1`)).status === 200;
    const canPush = async (c: OciClient) => (await c.request('POST', `/v2/${name}/blobs/uploads/`)).status === 202;
    const canDelete = async (c: OciClient) => (await c.request('DELETE', `/v2/${name}/manifests/nope`)).status === 404;

    expect(await canPull(reader.client)).toBe(false);
    const grant = await call('POST', `/v2/manage/namespaces/${org}/access`, adminToken, [{ user_id: reader.id, user_name: reader.name, auth: 1 }]);
    expect(grant.status).toBe(200);
    expect((await call('POST', `/v2/manage/namespaces/${org}/access`, adminToken, [{ user_id: reader.id, user_name: reader.name, auth: 1 }])).status).toBe(409);
    expect([await canPull(reader.client), await canPush(reader.client)]).toEqual([true, false]);

    expect((await call('POST', `/v2/manage/namespaces/${org}/repos/team$app/access`, adminToken, [{ user_id: writer.id, user_name: writer.name, auth: 3 }])).status).toBe(201);
    expect([await canPull(writer.client), await canPush(writer.client), await canDelete(writer.client)]).toEqual([true, true, false]);
    await writer.client.pushImage(name, 'by-writer');

    // Seeing an organization (read) is not managing it; with only a repository grant it is not even seen.
    const readerToken = (await keystone(account, reader.name, 'reader-password')).header('x-subject-token') as string;
    expect((await call('POST', `/v2/manage/namespaces/${org}/access`, readerToken, [{ user_id: writer.id, user_name: writer.name, auth: 7 }])).status).toBe(403);
    const writerToken = (await keystone(account, writer.name, 'writer-password')).header('x-subject-token') as string;
    expect((await call('GET', `/v2/manage/namespaces/${org}/access`, writerToken)).status).toBe(404);

    expect((await call('PATCH', `/v2/manage/namespaces/${org}/access`, adminToken, [{ user_id: reader.id, user_name: reader.name, auth: 7 }])).status).toBe(201);
    expect(await canDelete(reader.client)).toBe(true);
    const view = (await call('GET', `/v2/manage/namespaces/${org}/access`, adminToken)).json();
    expect(view).toMatchObject({ id: expect.any(Number), name: org, creator_name: 'admin', self_auth: { auth: 7 }, others_auths: [{ user_id: reader.id, user_name: reader.name, auth: 7 }] });
    expect((await call('GET', `/v2/manage/namespaces/${org}/repos/team$app/access`, adminToken)).json().others_auths).toEqual([
      { user_id: writer.id, user_name: writer.name, auth: 3 },
    ]);

    expect((await call('DELETE', `/v2/manage/namespaces/${org}/access`, adminToken, [reader.id])).status).toBe(204);
    // A token already issued lives out its short life; the next one carries the revocation.
    expect(await canPull(new OciClient(url, { username: `${account}/${reader.name}`, password: 'reader-password' }))).toBe(false);

    for (const body of [[{ user_id: reader.id, user_name: reader.name, auth: 5 }], [{ user_id: 'not-a-user', user_name: 'x', auth: 1 }], {}, []]) {
      const res = await call('POST', `/v2/manage/namespaces/${org}/access`, adminToken, body);
      expect(res.status).toBe(400);
      expect(res.json().error_code).toMatch(/^SVCSTG\.SWR\.400/);
    }
    expect((await call('GET', `/v2/manage/namespaces/${org}/access`)).status).toBe(401);
    expect((await call('GET', `/v2/manage/namespaces/no-such-org-${Date.now()}/access`, adminToken)).status).toBe(404);
  });

  it('lets another account pull a shared repository until the end of its deadline day, and only pull', async () => {
    const tenant = `sharee${Date.now()}`;
    expect((await call('POST', '/v3/domains', adminToken, { domain: { name: tenant }, admin: { name: 'boss', password: 'boss-password-1' } })).status).toBe(201);
    const owner = new OciClient(url, registry().admin);
    const org = `shared${Date.now()}`;
    const name = `${org}/team/app`;
    await owner.pushImage(name, 'v1');
    const sharee = () => new OciClient(url, { username: `${tenant}/boss`, password: 'boss-password-1' });
    const canPull = async () => (await sharee().request('GET', `/v2/${name}/manifests/v1`)).status === 200;
    const base = `/v2/manage/namespaces/${org}/repositories/team$app/access-domains`;
    expect(await canPull()).toBe(false);

    expect((await call('POST', base, adminToken, { access_domain: tenant, permit: 'write', deadline: 'forever' })).status).toBe(400);
    expect((await call('POST', base, adminToken, { access_domain: 'no-such-account', permit: 'read', deadline: 'forever' })).status).toBe(400);
    expect((await call('POST', base, adminToken, { access_domain: tenant, permit: 'read', deadline: 'forever', description: 'ci' })).status).toBe(201);
    expect((await call('POST', base, adminToken, { access_domain: tenant, permit: 'read', deadline: 'forever' })).status).toBe(409);
    expect(await canPull()).toBe(true);
    expect((await sharee().request('POST', `/v2/${name}/blobs/uploads/`)).status).toBe(401);

    const today = new Date().toISOString().slice(0, 10);
    expect((await call('PATCH', `${base}/${tenant}`, adminToken, { permit: 'read', deadline: `${today}T00:00:00Z` })).status).toBe(201);
    expect(await canPull()).toBe(true);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect((await call('PATCH', `${base}/${tenant}`, adminToken, { permit: 'read', deadline: `${yesterday}T12:00:00Z` })).status).toBe(201);
    expect(await canPull()).toBe(false);

    const shown = (await call('GET', `${base}/${tenant}`, adminToken)).json();
    expect(shown).toMatchObject({ exist: true, namespace: org, repository: 'team/app', access_domain: tenant, permit: 'read', deadline: `${yesterday}T00:00:00Z`, status: false });
    expect((await call('GET', base, adminToken)).json()).toHaveLength(1);
    const tenantToken = (await keystone(tenant, 'boss', 'boss-password-1')).header('x-subject-token') as string;
    expect((await call('POST', base, tenantToken, { access_domain: tenant, permit: 'read', deadline: 'forever' })).status).toBe(404);

    expect((await call('DELETE', `${base}/${tenant}`, adminToken)).status).toBe(204);
    const missing = await call('GET', `${base}/${tenant}`, adminToken);
    expect([missing.status, missing.json().errorCode]).toEqual([400, 'SVCSTG.SWR.4001090']);
  });

  describe('escalation', () => {
    const tokenFor = async (scope: string, service = 'swr-registry') => {
      const { username, password } = registry().admin;
      const res = await raw(url, 'GET', `/auth/token?service=${service}&scope=${encodeURIComponent(scope)}`, {
        headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
      });
      return res;
    };
    const bearer = async (scope: string) => `Bearer ${(await tokenFor(scope)).json().token}`;
    let a: string;
    let b: string;
    beforeAll(async () => {
      a = uniqueName('esc-a');
      b = uniqueName('esc-b');
      const oci = new OciClient(url, registry().admin);
      await oci.pushImage(a, 'v1');
      await oci.pushImage(b, 'v1');
    });

    it('refuses a token for repository A on repository B', async () => {
      const res = await raw(url, 'GET', `/v2/${b}/manifests/v1`, { headers: { authorization: await bearer(`repository:${a}:pull`) } });
      expect(res.status).toBe(401);
      expect(res.header('www-authenticate')).toContain(`scope="repository:${b}:pull"`);
      expect(res.header('www-authenticate')).toContain('error="insufficient_scope"');
    });

    it('refuses a pull token for a push or a delete, and writes nothing', async () => {
      const pull = await bearer(`repository:${a}:pull`);
      expect((await raw(url, 'POST', `/v2/${a}/blobs/uploads/`, { headers: { authorization: pull } })).status).toBe(401);
      expect((await raw(url, 'DELETE', `/v2/${a}/manifests/v1`, { headers: { authorization: pull } })).status).toBe(401);
      expect((await raw(url, 'GET', `/v2/${a}/manifests/v1`, { headers: { authorization: pull } })).status).toBe(200);
    });

    it('refuses tampered, unsigned and self-keyed tokens', async () => {
      const [h, p, s] = (await bearer(`repository:${a}:pull`)).slice(7).split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const widened = Buffer.from(JSON.stringify({ ...claims, access: [{ type: 'repository', name: b, actions: ['pull', 'push', 'delete'] }] })).toString('base64url');
      const header = JSON.parse(Buffer.from(h, 'base64url').toString());
      const none = Buffer.from(JSON.stringify({ ...header, alg: 'none' })).toString('base64url');
      const jwk = Buffer.from(JSON.stringify({ ...header, jwk: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' } })).toString('base64url');
      for (const token of [`${h}.${widened}.${s}`, `${none}.${p}.`, `${none}.${p}.${s}`, `${jwk}.${p}.${s}`, 'garbage']) {
        const res = await raw(url, 'DELETE', `/v2/${b}/manifests/v1`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(401);
      }
      expect((await raw(url, 'GET', `/v2/${b}/manifests/v1`, { headers: { authorization: await bearer(`repository:${b}:pull`) } })).status).toBe(200);
    });

    it('grants no token for another service, and only known actions of well-formed scopes', async () => {
      expect((await tokenFor(`repository:${a}:pull`, 'another-registry')).status).toBe(400);
      const odd = (await tokenFor(`repository:${a}:pull,admin,* repository:../etc:pull repository:${a.toUpperCase()}:pull`)).json().token as string;
      const access = JSON.parse(Buffer.from(odd.split('.')[1], 'base64url').toString()).access;
      expect(access).toEqual([{ type: 'repository', name: a, actions: ['pull', 'push', 'delete'] }]);
    });
  });
}
