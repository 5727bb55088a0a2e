import { BasicCredentials, Region } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { HttpRequestBuilder } from '@huaweicloud/huaweicloud-sdk-core/http/IHttpRequestBuilder';
import * as swr from '@huaweicloud/huaweicloud-sdk-swr';
import { ManageClient } from './manage-client';
import { OciClient } from './oci-client';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor, type RegistryUnderTest } from '@swr/testing';

const MODELS = join(require.resolve('@huaweicloud/huaweicloud-sdk-swr'), '..', 'v2', 'model');

/** The wire names of the fields an SDK model declares (its typings name private ones in quotes). */
function modelFields(model: string): string[] {
  const typings = readFileSync(join(MODELS, `${model}.d.ts`), 'utf8');
  const start = typings.indexOf('{', typings.indexOf('declare class'));
  const body = typings.slice(start + 1, typings.indexOf('constructor(', start));
  return [...body.matchAll(/^\s+(?:private )?'?([A-Za-z0-9_-]+)'?\??;?:?/gm)].map((m) => m[1]).filter((f) => f !== 'body' && f !== 'httpStatusCode');
}

/** Fields a model declares that our JSON lacks. */
const missing = (model: string, json: unknown) => modelFields(model).filter((field) => !(field in (json as Record<string, unknown>)));

const PASSWORD = 'sdk-password-1';

interface AccessKey {
  readonly access: string;
  readonly secret: string;
}

/** A list the SDK returns: its models declare `body`, but it hands over the JSON array itself. */
const items = (response: unknown): unknown[] => [...(response as unknown[])];

/** A response's fields as the SDK hands them over: the JSON as sent, under its wire names. */
const wire = (response: unknown) => response as Record<string, unknown>;

/** The SDK's error as scripts see it: the HTTP status and SWR's error code. */
async function failure(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { status?: number; httpStatusCode?: number; errorCode?: string };
    return { status: e.status ?? e.httpStatusCode ?? 0, code: e.errorCode ?? '' };
  }
  throw new Error('the call succeeded');
}

/**
 * Huawei Cloud's own Node.js SDK for SWR, signing every request with an access key, pointed at the
 * registry: each operation we implement, called as scripts call it, with its typed result checked;
 * a read-only user refused where it should be; and hand-made signatures that must not pass.
 */
export function describeOfficialSdk(registry: () => RegistryUnderTest): void {
  const stamp = `${Date.now().toString(36)}${process.pid}`;
  const account = `sdk${stamp}`;
  const partner = `sdkp${stamp}`;
  const org = `sdkorg${stamp}`;
  let boss: ManageClient;
  let readerId: string;
  let bossKey: AccessKey;
  let readerKey: AccessKey;

  const keyFor = async (client: ManageClient, userId: string): Promise<AccessKey> => {
    const res = await client.call('POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: userId, description: 'sdk' } });
    expect(res.status).toBe(201);
    return res.json().credential;
  };
  const sdk = (key: AccessKey) =>
    swr.SwrClient.newBuilder()
      .withCredential(new BasicCredentials().withAk(key.access).withSk(key.secret).withProjectId(boss.projectId))
      .withEndpoint(registry().url)
      .build();

  beforeAll(async () => {
    const operator = await ManageClient.fromLogin(registry().url, registry().admin);
    for (const name of [account, partner]) {
      expect((await operator.call('POST', '/v3/domains', { domain: { name }, admin: { name: 'boss', password: PASSWORD } })).status).toBe(201);
    }
    boss = await ManageClient.signIn(registry().url, account, 'boss', PASSWORD);
    const reader = await boss.call('POST', '/v3/users', { user: { name: 'reader', password: PASSWORD } });
    readerId = reader.json().user.id;
    bossKey = await keyFor(boss, boss.userId);
    readerKey = await keyFor(boss, readerId);
  }, 60_000);

  it('manages organizations, repositories, tags, permissions, shares, triggers, quotas and login commands through the SDK', async () => {
    const client = sdk(bossKey);
    const repo = 'web$app';
    expect((await client.createNamespace(new swr.CreateNamespaceRequest().withBody(new swr.CreateNamespaceRequestBody().withNamespace(org)))).httpStatusCode).toBe(201);
    const listed = await client.listNamespaces(new swr.ListNamespacesRequest().withNamespace(org));
    expect(listed.namespaces).toEqual([expect.objectContaining({ name: org, creator_name: 'boss', auth: 7 })]);
    expect(await client.showNamespace(new swr.ShowNamespaceRequest().withNamespace(org))).toMatchObject({ name: org, auth: 7 });

    const body = new swr.CreateRepoRequestBody().withRepository('web/app').withIsPublic(false).withCategory('linux').withDescription('made by the SDK');
    expect((await client.createRepo(new swr.CreateRepoRequest().withNamespace(org).withBody(body))).httpStatusCode).toBe(200);
    const update = new swr.UpdateRepoRequestBody().withIsPublic(false).withDescription('changed by the SDK');
    expect((await client.updateRepo(new swr.UpdateRepoRequest().withNamespace(org).withRepository(repo).withBody(update))).httpStatusCode).toBe(201);
    expect(await client.showRepository(new swr.ShowRepositoryRequest().withNamespace(org).withRepository(repo))).toMatchObject({ name: 'web/app', description: 'changed by the SDK', is_public: false });
    const repos = await client.listReposDetails(new swr.ListReposDetailsRequest().withNamespace(org));
    expect(items(repos)).toEqual([expect.objectContaining({ name: 'web/app', category: 'linux', namespace: org })]);

    const pushed = await new OciClient(registry().url, { username: `${account}/boss`, password: PASSWORD }).pushImage(`${org}/web/app`, 'v1');
    const tags = await client.listRepositoryTags(new swr.ListRepositoryTagsRequest().withNamespace(org).withRepository(repo));
    expect(items(tags)).toEqual([expect.objectContaining({ Tag: 'v1', digest: pushed.digest })]);
    const tagBody = new swr.CreateRepoTagRequestBody().withSourceTag('v1').withDestinationTag('stable').withOverride(false);
    expect((await client.createRepoTag(new swr.CreateRepoTagRequest().withNamespace(org).withRepository(repo).withBody(tagBody))).httpStatusCode).toBe(201);
    expect((await client.deleteRepoTag(new swr.DeleteRepoTagRequest().withNamespace(org).withRepository(repo).withTag('stable'))).httpStatusCode).toBe(204);

    const auth = new swr.UserAuth().withUserId(readerId).withUserName('reader').withAuth(1);
    expect((await client.createNamespaceAuth(new swr.CreateNamespaceAuthRequest().withNamespace(org).withBody([auth]))).httpStatusCode).toBe(200);
    const grants = await client.showNamespaceAuth(new swr.ShowNamespaceAuthRequest().withNamespace(org));
    expect(wire(grants).others_auths).toEqual([expect.objectContaining({ user_id: readerId, auth: 1 })]);
    const repoAuth = new swr.UserAuth().withUserId(readerId).withUserName('reader').withAuth(3);
    expect((await client.createUserRepositoryAuth(new swr.CreateUserRepositoryAuthRequest().withNamespace(org).withRepository(repo).withBody([repoAuth]))).httpStatusCode).toBe(201);
    expect(wire(await client.showUserRepositoryAuth(new swr.ShowUserRepositoryAuthRequest().withNamespace(org).withRepository(repo))).others_auths).toEqual([
      expect.objectContaining({ user_id: readerId, auth: 3 }),
    ]);
    expect((await client.deleteUserRepositoryAuth(new swr.DeleteUserRepositoryAuthRequest().withNamespace(org).withRepository(repo).withBody([readerId]))).httpStatusCode).toBe(204);

    const share = new swr.CreateRepoDomainsRequestBody().withAccessDomain(partner).withPermit('read').withDeadline('forever').withDescription('sdk');
    expect((await client.createRepoDomains(new swr.CreateRepoDomainsRequest().withNamespace(org).withRepository(repo).withBody(share))).httpStatusCode).toBe(201);
    expect(items(await client.listRepoDomains(new swr.ListRepoDomainsRequest().withNamespace(org).withRepository(repo)))).toEqual([
      expect.objectContaining({ access_domain: partner, permit: 'read' }),
    ]);
    expect(await client.showAccessDomain(new swr.ShowAccessDomainRequest().withNamespace(org).withRepository(repo).withAccessDomain(partner))).toMatchObject({ exist: true });
    expect((await client.deleteRepoDomains(new swr.DeleteRepoDomainsRequest().withNamespace(org).withRepository(repo).withAccessDomain(partner))).httpStatusCode).toBe(204);

    const trigger = new swr.CreateTriggerRequestBody()
      .withName('deploy')
      .withAction('update')
      .withAppType('deployments')
      .withApplication('web')
      .withClusterNs('default')
      .withTriggerType('all')
      .withCondition('.*')
      .withEnable('true');
    expect((await client.createTrigger(new swr.CreateTriggerRequest().withNamespace(org).withRepository(repo).withBody(trigger))).httpStatusCode).toBe(201);
    expect(items(await client.listTriggersDetails(new swr.ListTriggersDetailsRequest().withNamespace(org).withRepository(repo)))).toEqual([
      expect.objectContaining({ name: 'deploy', action: 'update', enable: 'true' }),
    ]);
    const disable = new swr.UpdateTriggerRequestBody().withEnable('false');
    expect((await client.updateTrigger(new swr.UpdateTriggerRequest().withNamespace(org).withRepository(repo).withTrigger('deploy').withBody(disable))).httpStatusCode).toBe(201);
    expect(await client.showTrigger(new swr.ShowTriggerRequest().withNamespace(org).withRepository(repo).withTrigger('deploy'))).toMatchObject({ enable: 'false' });
    expect((await client.deleteTrigger(new swr.DeleteTriggerRequest().withNamespace(org).withRepository(repo).withTrigger('deploy'))).httpStatusCode).toBe(204);

    const quotas = await client.listQuotas(new swr.ListQuotasRequest());
    expect((wire(quotas).quotas as Array<{ quota_key: string }>).map((q) => q.quota_key)).toEqual(['namespace', 'repository', 'storage']);
    expect(await client.showDomainOverview(new swr.ShowDomainOverviewRequest())).toMatchObject({ domain_name: account, repo_num: 1 });
    const secret = await client.createSecret(new swr.CreateSecretRequest());
    expect(Object.keys(secret.auths ?? {})).toHaveLength(1);

    expect((await client.deleteRepo(new swr.DeleteRepoRequest().withNamespace(org).withRepository(repo))).httpStatusCode).toBe(204);
    expect((await client.deleteNamespaces(new swr.DeleteNamespacesRequest().withNamespace(org))).httpStatusCode).toBe(204);
  }, 120_000);

  it("refuses a read-only user's keys where it should, with SWR's error code", async () => {
    const owner = sdk(bossKey);
    const name = `${org}r`;
    await owner.createNamespace(new swr.CreateNamespaceRequest().withBody(new swr.CreateNamespaceRequestBody().withNamespace(name)));
    await owner.createRepo(new swr.CreateRepoRequest().withNamespace(name).withBody(new swr.CreateRepoRequestBody().withRepository('app').withIsPublic(false)));
    await owner.createNamespaceAuth(new swr.CreateNamespaceAuthRequest().withNamespace(name).withBody([new swr.UserAuth().withUserId(readerId).withUserName('reader').withAuth(1)]));
    const reader = sdk(readerKey);
    expect(items(await reader.listReposDetails(new swr.ListReposDetailsRequest().withNamespace(name)))).toEqual([expect.objectContaining({ name: 'app' })]);
    expect(await failure(reader.deleteRepo(new swr.DeleteRepoRequest().withNamespace(name).withRepository('app')))).toEqual({ status: 403, code: 'SVCSTG.SWR.4030170' });
    expect(await failure(reader.createRepo(new swr.CreateRepoRequest().withNamespace(name).withBody(new swr.CreateRepoRequestBody().withRepository('more').withIsPublic(false))))).toEqual({
      status: 403,
      code: 'SVCSTG.SWR.4030170',
    });
    expect((await owner.showRepository(new swr.ShowRepositoryRequest().withNamespace(name).withRepository('app'))).name).toBe('app');
  });

  it("answers with every field the SDK's response models declare", async () => {
    const client = sdk(bossKey);
    const name = `${org}f`;
    await client.createNamespace(new swr.CreateNamespaceRequest().withBody(new swr.CreateNamespaceRequestBody().withNamespace(name)));
    await client.createRepo(new swr.CreateRepoRequest().withNamespace(name).withBody(new swr.CreateRepoRequestBody().withRepository('app').withIsPublic(false)));
    await new OciClient(registry().url, { username: `${account}/boss`, password: PASSWORD }).pushImage(`${name}/app`, 'v1');
    await client.createNamespaceAuth(new swr.CreateNamespaceAuthRequest().withNamespace(name).withBody([new swr.UserAuth().withUserId(readerId).withUserName('reader').withAuth(1)]));
    await client.createRepoDomains(
      new swr.CreateRepoDomainsRequest().withNamespace(name).withRepository('app').withBody(new swr.CreateRepoDomainsRequestBody().withAccessDomain(partner).withPermit('read').withDeadline('forever')),
    );
    const trigger = new swr.CreateTriggerRequestBody().withName('t').withAction('update').withAppType('deployments').withApplication('web').withClusterNs('default').withTriggerType('all').withCondition('.*').withEnable('true');
    await client.createTrigger(new swr.CreateTriggerRequest().withNamespace(name).withRepository('app').withBody(trigger));
    const inRepo = <T extends { withNamespace(n: string): T; withRepository(r: string): T }>(request: T) => request.withNamespace(name).withRepository('app');
    const checks: Array<[string, unknown]> = [
      ['ShowNamespace', items(wire(await client.listNamespaces(new swr.ListNamespacesRequest())).namespaces)[0]],
      ['ShowNamespaceResponse', await client.showNamespace(new swr.ShowNamespaceRequest().withNamespace(name))],
      ['ShowReposResp', items(await client.listReposDetails(new swr.ListReposDetailsRequest().withNamespace(name)))[0]],
      ['ShowRepositoryResponse', await client.showRepository(inRepo(new swr.ShowRepositoryRequest()))],
      ['ShowReposTagResp', items(await client.listRepositoryTags(inRepo(new swr.ListRepositoryTagsRequest())))[0]],
      ['ShowNamespaceAuthResponse', await client.showNamespaceAuth(new swr.ShowNamespaceAuthRequest().withNamespace(name))],
      ['UserAuth', items(wire(await client.showNamespaceAuth(new swr.ShowNamespaceAuthRequest().withNamespace(name))).others_auths)[0]],
      ['ShowUserRepositoryAuthResponse', await client.showUserRepositoryAuth(inRepo(new swr.ShowUserRepositoryAuthRequest()))],
      ['ShowRepoDomainsResponse', items(await client.listRepoDomains(inRepo(new swr.ListRepoDomainsRequest())))[0]],
      ['ShowAccessDomainResponse', await client.showAccessDomain(inRepo(new swr.ShowAccessDomainRequest()).withAccessDomain(partner))],
      ['Trigger', items(await client.listTriggersDetails(inRepo(new swr.ListTriggersDetailsRequest())))[0]],
      ['ShowTriggerResponse', await client.showTrigger(inRepo(new swr.ShowTriggerRequest()).withTrigger('t'))],
      ['ShowQuota', items(wire(await client.listQuotas(new swr.ListQuotasRequest())).quotas)[0]],
      ['ShowDomainOverviewResponse', await client.showDomainOverview(new swr.ShowDomainOverviewRequest())],
      ['CreateSecretResponse', await client.createSecret(new swr.CreateSecretRequest())],
      ['ShowShareFeatureGatesResponse', await client.showShareFeatureGates(new swr.ShowShareFeatureGatesRequest())],
      ['ReportData', items(await client.showDomainResourceReports(new swr.ShowDomainResourceReportsRequest().withResourceType('store').withFrequency('daily')))[0]],
    ];
    expect(checks.map(([model, json]) => [model, missing(model, json)])).toEqual(checks.map(([model]) => [model, []]));
  });

  it('finds the project id by itself, as the SDK does when none is configured', async () => {
    const credentials = new BasicCredentials().withAk(bossKey.access).withSk(bossKey.secret).withIamEndpoint(registry().url);
    const client = swr.SwrClient.newBuilder().withCredential(credentials).withRegion(new Region('local-1', registry().url)).build();
    const quotas = await client.listQuotas(new swr.ListQuotasRequest());
    expect((wire(quotas).quotas as unknown[]).length).toBe(3);
    expect(credentials.projectId).toBe(boss.projectId);
  });

  it('answers the other operations the SDK offers that we implement, and API versions without a key', async () => {
    const client = sdk(bossKey);
    const name = `${org}o`;
    await client.createNamespace(new swr.CreateNamespaceRequest().withBody(new swr.CreateNamespaceRequestBody().withNamespace(name)));
    await client.createRepo(new swr.CreateRepoRequest().withNamespace(name).withBody(new swr.CreateRepoRequestBody().withRepository('app').withIsPublic(false)));
    const grant = (level: number) => [new swr.UserAuth().withUserId(readerId).withUserName('reader').withAuth(level)];
    await client.createNamespaceAuth(new swr.CreateNamespaceAuthRequest().withNamespace(name).withBody(grant(1)));
    expect((await client.updateNamespaceAuth(new swr.UpdateNamespaceAuthRequest().withNamespace(name).withBody(grant(3)))).httpStatusCode).toBe(201);
    expect((await client.deleteNamespaceAuth(new swr.DeleteNamespaceAuthRequest().withNamespace(name).withBody([readerId]))).httpStatusCode).toBe(204);
    await client.createUserRepositoryAuth(new swr.CreateUserRepositoryAuthRequest().withNamespace(name).withRepository('app').withBody(grant(1)));
    expect((await client.updateUserRepositoryAuth(new swr.UpdateUserRepositoryAuthRequest().withNamespace(name).withRepository('app').withBody(grant(7)))).httpStatusCode).toBe(201);
    const share = new swr.CreateRepoDomainsRequestBody().withAccessDomain(partner).withPermit('read').withDeadline('forever');
    await client.createRepoDomains(new swr.CreateRepoDomainsRequest().withNamespace(name).withRepository('app').withBody(share));
    const change = new swr.UpdateRepoDomainsRequestBody().withPermit('read').withDeadline('2099-12-31').withDescription('until the end of 2099');
    expect((await client.updateRepoDomains(new swr.UpdateRepoDomainsRequest().withNamespace(name).withRepository('app').withAccessDomain(partner).withBody(change))).httpStatusCode).toBe(201);
    expect(items(await client.listSharedReposDetails(new swr.ListSharedReposDetailsRequest().withCenter('self')))).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'app', namespace: name })]));
    const today = new Date().toISOString().slice(0, 10);
    for (const resourceType of ['store', 'downflow']) {
      const report = items(await client.showDomainResourceReports(new swr.ShowDomainResourceReportsRequest().withResourceType(resourceType).withFrequency('daily')));
      expect(report).toHaveLength(30);
      expect(report[29]).toEqual({ date: today, value: expect.any(Number) });
    }
    expect(wire(await client.showShareFeatureGates(new swr.ShowShareFeatureGatesRequest()))).toMatchObject({ enable_list_v3: true, enable_image_quota: true, enable_image_scan: false });
    expect(wire(await client.listApiVersions(new swr.ListApiVersionsRequest())).versions).toEqual([expect.objectContaining({ id: 'v2', status: 'CURRENT' })]);
    expect(wire(await client.showApiVersion(new swr.ShowApiVersionRequest().withApiVersion('v2'))).version).toMatchObject({ id: 'v2' });
  });

  it('sets, shows, changes and deletes a retention policy, and lists what it removed, through the SDK', async () => {
    const client = sdk(bossKey);
    const name = `${org}ret`;
    await client.createNamespace(new swr.CreateNamespaceRequest().withBody(new swr.CreateNamespaceRequestBody().withNamespace(name)));
    const pusher = new OciClient(registry().url, { username: `${account}/boss`, password: PASSWORD });
    for (const tag of ['a', 'b', 'c']) await pusher.pushImage(`${name}/app`, tag);
    const inRepo = <T extends { withNamespace(n: string): T; withRepository(r: string): T }>(request: T) => request.withNamespace(name).withRepository('app');
    const keepOne = new swr.Rule().withTemplate('tag_rule').withParams({ num: '1' }).withTagSelectors([new swr.TagSelector().withKind('label').withPattern('a')]);
    const created = await client.createRetention(inRepo(new swr.CreateRetentionRequest()).withBody(new swr.CreateRetentionRequestBody().withAlgorithm('or').withRules([keepOne])));
    expect(created.httpStatusCode).toBe(201);
    const id = wire(created).id as number;
    expect(items(await client.listRetentions(inRepo(new swr.ListRetentionsRequest())))).toEqual([{ id, algorithm: 'or', scope: '', rules: [{ template: 'tag_rule', params: { num: '1' }, tag_selectors: [{ kind: 'label', pattern: 'a' }] }] }]);
    await waitFor('the policy applied', async () => wire(await client.listRetentionHistories(inRepo(new swr.ListRetentionHistoriesRequest()))).total === 1);
    const histories = wire(await client.listRetentionHistories(inRepo(new swr.ListRetentionHistoriesRequest()).withFilter('limit::10|offset::0')));
    expect(histories.retention_log).toEqual([expect.objectContaining({ retention_id: id, namespace: name, repo: 'app', tag: 'b' })]);
    const keepDays = new swr.Rule().withTemplate('date_rule').withParams({ days: '30' }).withTagSelectors([]);
    expect((await client.updateRetention(inRepo(new swr.UpdateRetentionRequest()).withRetentionId(id).withBody(new swr.UpdateRetentionRequestBody().withAlgorithm('or').withRules([keepDays])))).httpStatusCode).toBe(201);
    expect(wire(await client.showRetention(inRepo(new swr.ShowRetentionRequest()).withRetentionId(id))).rules).toEqual([{ template: 'date_rule', params: { days: '30' }, tag_selectors: [] }]);
    expect((await client.deleteRetention(inRepo(new swr.DeleteRetentionRequest()).withRetentionId(id))).httpStatusCode).toBe(200);
    expect(await failure(client.deleteRetention(inRepo(new swr.DeleteRetentionRequest()).withRetentionId(id)))).toEqual({ status: 400, code: 'SVCSTG.SWR.4000306' });
  });

  describe('hand-made signatures', () => {
    /** A request signed with the SDK's own signer, then sent as is or spoilt. */
    function signed(key: AccessKey, method: string, path: string, body?: unknown, query: Record<string, string> = {}, date?: Date) {
      const url = new URL(path, registry().url);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (date) headers['X-Sdk-Date'] = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const request = new HttpRequestBuilder().withEndpoint(`${url.origin}${path}`).withUrl(path).withMethod(method).withHeaders(headers).withQueryParams(query).withData(body).build();
      const sent = AKSKSigner.sign(request, new BasicCredentials().withAk(key.access).withSk(key.secret)) as Record<string, string>;
      const search = new URLSearchParams(query).toString();
      return { url: `${url.origin}${path}${search ? `?${search}` : ''}`, init: { method, headers: sent, ...(body === undefined ? {} : { body: JSON.stringify(body) }) } };
    }
    const send = async ({ url, init }: ReturnType<typeof signed>) => {
      const res = await fetch(url, init);
      return { status: res.status, body: (await res.json().catch(() => ({}))) as { error_code?: string; error_msg?: string } };
    };
    const name = () => `${org}x${Math.random().toString(36).slice(2, 8)}`;
    const namespaces = async () => (await boss.call('GET', '/v2/manage/namespaces')).json().namespaces.map((n: { name: string }) => n.name).sort();

    it('accepts a well-signed request and refuses every spoilt one with 401, writing nothing', async () => {
      const good = signed(bossKey, 'POST', '/v2/manage/namespaces', { namespace: name() });
      expect((await send(good)).status).toBe(201);
      const before = await namespaces();
      const attempts: Array<[string, ReturnType<typeof signed>]> = [
        ['wrong secret key', signed({ access: bossKey.access, secret: 'not-the-secret' }, 'POST', '/v2/manage/namespaces', { namespace: name() })],
        ['unknown access key', signed({ access: 'NOSUCHACCESSKEY00000', secret: bossKey.secret }, 'POST', '/v2/manage/namespaces', { namespace: name() })],
        ['stale X-Sdk-Date', signed(bossKey, 'POST', '/v2/manage/namespaces', { namespace: name() }, {}, new Date(Date.now() - 16 * 60_000))],
        ['future X-Sdk-Date', signed(bossKey, 'POST', '/v2/manage/namespaces', { namespace: name() }, {}, new Date(Date.now() + 16 * 60_000))],
      ];
      const tampered = signed(bossKey, 'POST', '/v2/manage/namespaces', { namespace: name() });
      attempts.push(['tampered body', { ...tampered, init: { ...tampered.init, body: JSON.stringify({ namespace: name() }) } }]);
      const listing = signed(bossKey, 'GET', '/v2/manage/namespaces', undefined, { namespace: 'a', mode: 'visible' });
      attempts.push(['changed query', { ...listing, url: listing.url.replace('namespace=a', 'namespace=b') }]);
      const unsignedHost = signed(bossKey, 'POST', '/v2/manage/namespaces', { namespace: name() });
      const headers = { ...unsignedHost.init.headers } as Record<string, string>;
      const authorization = Object.keys(headers).find((h) => h.toLowerCase() === 'authorization') as string;
      headers[authorization] = headers[authorization].replace(/SignedHeaders=[^,]+/, 'SignedHeaders=content-type;x-sdk-date');
      attempts.push(['host not signed', { ...unsignedHost, init: { ...unsignedHost.init, headers } }]);
      for (const [what, attempt] of attempts) {
        const answer = await send(attempt);
        expect({ what, status: answer.status }).toEqual({ what, status: 401 });
        expect({ what, message: answer.body.error_msg }).toEqual({ what, message: expect.stringMatching(/signature/) });
      }
      // Reordered query parameters are the same request.
      const reordered = signed(bossKey, 'GET', '/v2/manage/namespaces', undefined, { mode: 'visible', namespace: org });
      expect((await send({ ...reordered, url: reordered.url.replace(/\?.*/, `?namespace=${org}&mode=visible`) })).status).toBe(200);
      expect(await namespaces()).toEqual(before);
    });

    it('refuses a disabled access key, and accepts it again once enabled', async () => {
      const key = await keyFor(boss, boss.userId);
      const disable = await boss.call('PUT', `/v3.0/OS-CREDENTIAL/credentials/${key.access}`, { credential: { status: 'inactive' } });
      expect(disable.status).toBe(200);
      expect((await send(signed(key, 'GET', '/v2/manage/namespaces'))).status).toBe(401);
      await boss.call('PUT', `/v3.0/OS-CREDENTIAL/credentials/${key.access}`, { credential: { status: 'active' } });
      expect((await send(signed(key, 'GET', '/v2/manage/namespaces'))).status).toBe(200);
    });
  });
}
