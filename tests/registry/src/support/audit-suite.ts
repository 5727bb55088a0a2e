import { ALL_MANAGE_OPERATIONS } from '@swr/gateway-shell';
import { waitFor } from '@swr/testing';
import { raw, RawResponse } from './http';
import { ManageClient } from './manage-client';
import { EMPTY_CONFIG, OCI_MANIFEST, OciClient, sha256 } from './oci-client';
import type { RegistryUnderTest } from '@swr/testing';

interface Trace {
  trace_id: string;
  trace_name: string;
  trace_rating: string;
  trace_type: string;
  resource_type: string;
  resource_name: string;
  source_ip: string;
  user: { id: string; name: string; domain: { id: string; name: string } };
  code: string;
  request: string;
  request_id: string;
  time: number;
}

/** One call and the one trace it must leave. `operation` names the management operation it covers. */
interface Case {
  readonly title: string;
  readonly operation?: string;
  readonly run: () => Promise<RawResponse>;
  readonly status: number;
  readonly trace: string;
  readonly resourceType: string;
  readonly resourceName?: string;
  /** Whose trail holds it (default: the account under test). */
  readonly reader?: () => ManageClient;
}

const PASSWORD = 'audit-password-1';

/**
 * Every management operation and every registry write, each called once, must leave exactly one
 * trace in the caller's account's trail, with the operation's name, the caller, the resource and
 * the rating of its outcome. Runs against a fresh account, so nothing else writes into its trail.
 */
export function describeAuditTrail(registry: () => RegistryUnderTest): void {
  const stamp = `${Date.now().toString(36)}${process.pid}`;
  const account = `audit${stamp}`;
  const outsider = `auditx${stamp}`;
  const org = `aud${stamp}`;
  const repo = `${org}/team/app`;
  const path = `/v2/manage/namespaces/${org}/repos/team$app`;
  let boss: ManageClient;
  let other: ManageClient;
  let memberId: string;
  let oci: OciClient;

  beforeAll(async () => {
    const operator = await ManageClient.fromLogin(registry().url, registry().admin);
    for (const name of [account, outsider]) {
      const created = await operator.call('POST', '/v3/domains', { domain: { name }, admin: { name: 'boss', password: PASSWORD } });
      expect(created.status).toBe(201);
    }
    boss = await ManageClient.signIn(registry().url, account, 'boss', PASSWORD);
    other = await ManageClient.signIn(registry().url, outsider, 'boss', PASSWORD);
    const member = await boss.call('POST', '/v3/users', { user: { name: 'member', password: PASSWORD } });
    expect(member.status).toBe(201);
    memberId = member.json().user.id;
    oci = new OciClient(registry().url, { username: `${account}/boss`, password: PASSWORD });
  }, 60_000);

  /** The whole trail of an account, newest first, read page by page as CTS clients do. */
  async function trail(reader: ManageClient): Promise<Trace[]> {
    const traces: Trace[] = [];
    let next = '';
    for (;;) {
      const res = await reader.call('GET', `/v3/${reader.projectId}/traces?limit=200${next ? `&next=${next}` : ''}`);
      expect(res.status).toBe(200);
      const body = res.json();
      traces.push(...body.traces);
      if (!body.meta_data.marker) return traces;
      next = body.meta_data.marker;
    }
  }

  const pushed: Record<string, string> = {};
  const manifestFor = async () => {
    const layer = await oci.pushBlob(repo, Buffer.from(`layer ${stamp}`));
    const config = await oci.pushBlob(repo, EMPTY_CONFIG.data);
    return Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: config.size },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
      }),
    );
  };
  const shares = `/v2/manage/namespaces/${org}/repositories/team$app/access-domains`;
  const grants = (body: unknown) => [{ user_id: memberId, user_name: 'member', auth: body }];

  let retentionId = 0;
  const cases = (): Case[] => [
    { title: 'organization created', operation: 'CreateNamespace', run: () => boss.call('POST', '/v2/manage/namespaces', { namespace: org }), status: 201, trace: 'createUserNamespace', resourceType: 'usernamespace', resourceName: org },
    { title: 'organization refused (taken)', run: () => boss.call('POST', '/v2/manage/namespaces', { namespace: org }), status: 409, trace: 'createUserNamespace', resourceType: 'usernamespace', resourceName: org },
    { title: 'organizations listed', operation: 'ListNamespaces', run: () => boss.call('GET', '/v2/manage/namespaces'), status: 200, trace: 'listUserNamespaces', resourceType: 'usernamespace' },
    { title: 'organization shown', operation: 'ShowNamespace', run: () => boss.call('GET', `/v2/manage/namespaces/${org}`), status: 200, trace: 'showUserNamespace', resourceType: 'usernamespace', resourceName: org },
    {
      title: 'deletion by a user who cannot see the organization refused',
      run: async () => (await ManageClient.signIn(registry().url, account, 'member', PASSWORD)).call('DELETE', `/v2/manage/namespaces/${org}`),
      status: 404,
      trace: 'deleteUserNamespace',
      resourceType: 'usernamespace',
      resourceName: org,
    },
    { title: 'repository created', operation: 'CreateRepo', run: () => boss.call('POST', `/v2/manage/namespaces/${org}/repos`, { repository: 'team/app', is_public: false }), status: 200, trace: 'createImageRepository', resourceType: 'imagerepository', resourceName: repo },
    { title: 'trigger created', operation: 'CreateTrigger', run: () => boss.call('POST', `${path}/triggers`, { name: 'hook', action: 'webhook', trigger_type: 'all', condition: '.*', enable: 'true', webhook: { url: 'http://127.0.0.1:9/hook' } }), status: 201, trace: 'createTrigger', resourceType: 'trigger', resourceName: `${repo}:hook` },
    { title: 'triggers listed', operation: 'ListTriggersDetails', run: () => boss.call('GET', `${path}/triggers`), status: 200, trace: 'listTriggers', resourceType: 'trigger', resourceName: repo },
    { title: 'trigger shown', operation: 'ShowTrigger', run: () => boss.call('GET', `${path}/triggers/hook`), status: 200, trace: 'showTrigger', resourceType: 'trigger', resourceName: `${repo}:hook` },
    { title: 'trigger disabled', operation: 'UpdateTrigger', run: () => boss.call('PATCH', `${path}/triggers/hook`, { enable: 'false' }), status: 201, trace: 'updateTrigger', resourceType: 'trigger', resourceName: `${repo}:hook` },
    { title: 'redelivery of an unknown delivery refused', operation: 'RedeliverTrigger', run: () => boss.call('POST', `${path}/triggers/hook/histories/none/redeliver`), status: 404, trace: 'redeliverTrigger', resourceType: 'trigger', resourceName: `${repo}:hook` },
    { title: 'trigger deleted', operation: 'DeleteTrigger', run: () => boss.call('DELETE', `${path}/triggers/hook`), status: 204, trace: 'deleteTrigger', resourceType: 'trigger', resourceName: `${repo}:hook` },
    {
      title: 'retention policy created',
      operation: 'CreateRetention',
      run: async () => {
        const created = await boss.call('POST', `${path}/retentions`, { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '5' }, tag_selectors: [] }] });
        retentionId = created.json().id;
        return created;
      },
      status: 201,
      trace: 'createRetention',
      resourceType: 'retention',
      resourceName: repo,
    },
    { title: 'retention policies listed', operation: 'ListRetentions', run: () => boss.call('GET', `${path}/retentions`), status: 200, trace: 'listRetentions', resourceType: 'retention', resourceName: repo },
    { title: 'retention histories listed', operation: 'ListRetentionHistories', run: () => boss.call('GET', `${path}/retentions/histories`), status: 200, trace: 'listRetentionHistories', resourceType: 'retention', resourceName: repo },
    { title: 'retention policy shown', operation: 'ShowRetention', run: () => boss.call('GET', `${path}/retentions/${retentionId}`), status: 200, trace: 'showRetention', resourceType: 'retention' },
    { title: 'retention policy changed', operation: 'UpdateRetention', run: () => boss.call('PATCH', `${path}/retentions/${retentionId}`, { algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '5' }, tag_selectors: [] }] }), status: 201, trace: 'updateRetention', resourceType: 'retention' },
    { title: 'retention dry run', operation: 'DryRunRetention', run: () => boss.call('POST', `${path}/retentions/${retentionId}/dry-run`), status: 200, trace: 'dryRunRetention', resourceType: 'retention' },
    { title: 'retention run on demand', operation: 'ExecuteRetention', run: () => boss.call('POST', `${path}/retentions/${retentionId}/execute`), status: 202, trace: 'executeRetention', resourceType: 'retention' },
    { title: 'retention policy deleted', operation: 'DeleteRetention', run: () => boss.call('DELETE', `${path}/retentions/${retentionId}`), status: 200, trace: 'deleteRetention', resourceType: 'retention' },
    // No region is configured here: what changes nothing is refused, and the refusal is what the trail records.
    { title: 'sync regions listed', operation: 'ListSyncRegions', run: () => boss.call('GET', '/v2/manage/regions'), status: 200, trace: 'listSyncRegions', resourceType: 'region' },
    { title: 'sync rule refused (no such region)', operation: 'CreateImageSyncRepo', run: () => boss.call('POST', `${path}/sync_repo`, { remoteRegionId: 'region-9', remoteNamespace: org }), status: 400, trace: 'createSyncRepo', resourceType: 'syncrepo' },
    { title: 'sync rules listed', operation: 'ListImageAutoSyncReposDetails', run: () => boss.call('GET', `${path}/sync_repo`), status: 200, trace: 'listSyncRepos', resourceType: 'syncrepo', resourceName: repo },
    { title: 'sync rule delete refused (no such rule)', operation: 'DeleteImageSyncRepo', run: () => boss.call('DELETE', `${path}/sync_repo`, { remoteRegionId: 'region-9', remoteNamespace: org }), status: 400, trace: 'deleteSyncRepo', resourceType: 'syncrepo' },
    { title: 'manual sync refused (no such region)', operation: 'CreateManualImageSyncRepo', run: () => boss.call('POST', `${path}/sync_images`, { imageTag: ['v1'], remoteRegionId: 'region-9', remoteNamespace: org }), status: 400, trace: 'createManualSyncRepo', resourceType: 'syncjob' },
    { title: 'sync jobs listed', operation: 'ShowSyncJob', run: () => boss.call('GET', `${path}/sync_job?filter=limit::10|offset::0`), status: 200, trace: 'showSyncJob', resourceType: 'syncjob', resourceName: repo },
    { title: 'garbage collection refused to a tenant', operation: 'RunGarbageCollection', run: () => boss.call('POST', '/v2/manage/gc/runs', { dry_run: true }), status: 403, trace: 'runGarbageCollection', resourceType: 'gc' },
    { title: 'garbage collection history refused to a tenant', operation: 'ListGarbageCollections', run: () => boss.call('GET', '/v2/manage/gc/runs'), status: 403, trace: 'listGarbageCollections', resourceType: 'gc' },
    { title: 'garbage collection run refused to a tenant', operation: 'ShowGarbageCollection', run: () => boss.call('GET', '/v2/manage/gc/runs/1'), status: 403, trace: 'showGarbageCollection', resourceType: 'gc' },
    { title: 'repository updated', operation: 'UpdateRepo', run: () => boss.call('PATCH', path, { is_public: false, description: 'audited' }), status: 201, trace: 'updateImageRepository', resourceType: 'imagerepository', resourceName: repo },
    { title: 'repository shown', operation: 'ShowRepository', run: () => boss.call('GET', path), status: 200, trace: 'showImageRepository', resourceType: 'imagerepository', resourceName: repo },
    { title: 'repository missing', run: () => boss.call('GET', `/v2/manage/namespaces/${org}/repos/none`), status: 404, trace: 'showImageRepository', resourceType: 'imagerepository', resourceName: `${org}/none` },
    {
      title: 'archive upload refused (not an image archive)',
      operation: 'UploadImageArchive',
      run: () => raw(registry().url, 'POST', `${path}/archives`, { headers: { 'content-type': 'application/x-tar', 'x-auth-token': boss.token }, body: Buffer.from('not a tar archive\n'.repeat(40)) }),
      status: 400,
      trace: 'uploadImageArchive',
      resourceType: 'imagerepository',
      resourceName: repo,
    },
    { title: 'repositories listed (v2)', operation: 'ListReposDetails', run: () => boss.call('GET', '/v2/manage/repos'), status: 200, trace: 'listImageRepositories', resourceType: 'imagerepository' },
    { title: 'repositories listed (v3)', operation: 'ListRepositories', run: () => boss.call('GET', '/v3/manage/repos'), status: 200, trace: 'listImageRepositories', resourceType: 'imagerepository' },
    { title: 'shared repositories listed (v2)', operation: 'ListSharedReposDetails', run: () => boss.call('GET', '/v2/manage/shared-repositories?center=self'), status: 200, trace: 'listSharedReposDetails', resourceType: 'imagerepository' },
    { title: 'shared repositories listed (v3)', operation: 'ListSharedRepositories', run: () => boss.call('GET', '/v3/manage/shared-repositories?shared_by=self'), status: 200, trace: 'listSharedReposDetails', resourceType: 'imagerepository' },
    { title: 'blob uploaded (monolithic)', run: () => oci.request('POST', `/v2/${repo}/blobs/uploads/?digest=${sha256('monolithic')}`, { body: Buffer.from('monolithic'), headers: { 'content-type': 'application/octet-stream' } }), status: 201, trace: 'uploadBlob', resourceType: 'blob', resourceName: `${repo}@${sha256('monolithic')}` },
    {
      title: 'image pushed',
      run: async () => {
        const body = await manifestFor();
        pushed.digest = sha256(body);
        return oci.request('PUT', `/v2/${repo}/manifests/v1`, { body, headers: { 'content-type': OCI_MANIFEST } });
      },
      status: 201,
      trace: 'pushImage',
      resourceType: 'image',
      resourceName: `${repo}:v1`,
    },
    {
      title: 'blob mounted',
      // As docker asks: one token for the target and the source.
      run: async () =>
        raw(registry().url, 'POST', `/v2/${org}/other/blobs/uploads/?mount=${sha256('monolithic')}&from=${repo}`, {
          headers: { authorization: await oci.authorization(`repository:${org}/other:pull,push repository:${repo}:pull`) },
        }),
      status: 201, trace: 'mountBlob', resourceType: 'blob', resourceName: `${org}/other@${sha256('monolithic')}` },
    { title: 'push refused (no such manifest reference)', run: () => oci.request('PUT', `/v2/${repo}/manifests/broken`, { body: Buffer.from('{not json'), headers: { 'content-type': OCI_MANIFEST } }), status: 400, trace: 'pushImage', resourceType: 'image', resourceName: `${repo}:broken` },
    { title: 'tags listed', operation: 'ListRepositoryTags', run: () => boss.call('GET', `${path}/tags`), status: 200, trace: 'listImageTags', resourceType: 'imagetag', resourceName: repo },
    { title: 'tags listed (v3)', operation: 'ListRepositoryTagsV3', run: () => boss.call('GET', `/v3/manage/namespaces/${org}/repos/team$app/tags`), status: 200, trace: 'listImageTags', resourceType: 'imagetag', resourceName: repo },
    { title: 'tag shown', operation: 'ShowRepoTag', run: () => boss.call('GET', `${path}/tags/v1`), status: 200, trace: 'showImageTag', resourceType: 'imagetag', resourceName: `${repo}:v1` },
    { title: 'tag created', operation: 'CreateRepoTag', run: () => boss.call('POST', `${path}/tags`, { source_tag: 'v1', destination_tag: 'v2' }), status: 201, trace: 'createImageTag', resourceType: 'imagetag', resourceName: `${repo}:v2` },
    { title: 'accessories listed', operation: 'ListRepoAccessories', run: () => boss.call('GET', `${path}/v1/accessories`), status: 200, trace: 'listRepoAccessories', resourceType: 'imagetag', resourceName: `${repo}:v1` },
    { title: 'references listed', operation: 'ListRepoReferences', run: () => boss.call('GET', `${path}/v1/references`), status: 200, trace: 'listRepoReferences', resourceType: 'imagetag', resourceName: `${repo}:v1` },
    { title: 'tag deleted', operation: 'DeleteRepoTag', run: () => boss.call('DELETE', `${path}/tags/v2`), status: 204, trace: 'deleteImageTag', resourceType: 'imagetag', resourceName: `${repo}:v2` },
    { title: 'organization permissions shown', operation: 'ShowNamespaceAuth', run: () => boss.call('GET', `/v2/manage/namespaces/${org}/access`), status: 200, trace: 'showUserNamespaceAuth', resourceType: 'usernamespaceauth', resourceName: org },
    { title: 'organization permission granted', operation: 'CreateNamespaceAuth', run: () => boss.call('POST', `/v2/manage/namespaces/${org}/access`, grants(1)), status: 200, trace: 'createUserNamespaceAuth', resourceType: 'usernamespaceauth', resourceName: org },
    { title: 'organization permission changed', operation: 'UpdateNamespaceAuth', run: () => boss.call('PATCH', `/v2/manage/namespaces/${org}/access`, grants(3)), status: 201, trace: 'updateUserNamespaceAuth', resourceType: 'usernamespaceauth', resourceName: org },
    { title: 'organization permission revoked', operation: 'DeleteNamespaceAuth', run: () => boss.call('DELETE', `/v2/manage/namespaces/${org}/access`, [memberId]), status: 204, trace: 'deleteUserNamespaceAuth', resourceType: 'usernamespaceauth', resourceName: org },
    { title: 'repository permissions shown', operation: 'ShowRepoAuth', run: () => boss.call('GET', `${path}/access`), status: 200, trace: 'showUserRepositoryAuth', resourceType: 'userrepositoryauth', resourceName: repo },
    { title: 'repository permission granted', operation: 'CreateRepoAuth', run: () => boss.call('POST', `${path}/access`, grants(1)), status: 201, trace: 'createUserRepositoryAuth', resourceType: 'userrepositoryauth', resourceName: repo },
    { title: 'repository permission changed', operation: 'UpdateRepoAuth', run: () => boss.call('PATCH', `${path}/access`, grants(7)), status: 201, trace: 'updateUserRepositoryAuth', resourceType: 'userrepositoryauth', resourceName: repo },
    { title: 'repository permission revoked', operation: 'DeleteRepoAuth', run: () => boss.call('DELETE', `${path}/access`, [memberId]), status: 204, trace: 'deleteUserRepositoryAuth', resourceType: 'userrepositoryauth', resourceName: repo },
    { title: 'share created', operation: 'CreateRepoDomains', run: () => boss.call('POST', shares, { access_domain: outsider, permit: 'read', deadline: 'forever' }), status: 201, trace: 'createImageRepositoryAccessDomain', resourceType: 'imagerepositoryaccessdomain', resourceName: `${repo}:${outsider}` },
    { title: 'shares listed', operation: 'ListRepoDomains', run: () => boss.call('GET', shares), status: 200, trace: 'listImageRepositoryAccessDomain', resourceType: 'imagerepositoryaccessdomain', resourceName: repo },
    { title: 'share shown', operation: 'ShowAccessDomain', run: () => boss.call('GET', `${shares}/${outsider}`), status: 200, trace: 'showImageRepositoryAccessDomain', resourceType: 'imagerepositoryaccessdomain', resourceName: `${repo}:${outsider}` },
    { title: 'share changed', operation: 'UpdateRepoDomains', run: () => boss.call('PATCH', `${shares}/${outsider}`, { permit: 'read', deadline: '2099-12-31', description: 'audited' }), status: 201, trace: 'updateImageRepositoryAccessDomain', resourceType: 'imagerepositoryaccessdomain', resourceName: `${repo}:${outsider}` },
    { title: 'share deleted', operation: 'DeleteRepoDomains', run: () => boss.call('DELETE', `${shares}/${outsider}`), status: 204, trace: 'deleteImageRepositoryAccessDomain', resourceType: 'imagerepositoryaccessdomain', resourceName: `${repo}:${outsider}` },
    { title: 'login command issued', operation: 'CreateSecret', run: () => boss.call('POST', '/v2/manage/utils/secret?projectname=local-1'), status: 200, trace: 'createDockerConfig', resourceType: 'dockerlogincmd' },
    { title: 'quotas listed', operation: 'ListQuotas', run: () => boss.call('GET', `/v2/manage/projects/${boss.projectId}/quotas`), status: 200, trace: 'listQuotas', resourceType: 'quota', resourceName: boss.projectId },
    { title: 'overview shown', operation: 'ShowDomainOverview', run: () => boss.call('GET', '/v2/manage/overview'), status: 200, trace: 'getDomainOverview', resourceType: 'overview' },
    { title: 'resource report shown', operation: 'ShowDomainResourceReports', run: () => boss.call('GET', '/v2/manage/reports/store/daily'), status: 200, trace: 'getResourceReports', resourceType: 'report' },
    {
      title: 'feature gates shown', operation: 'ShowShareFeatureGates', run: () => boss.call('GET', `/v2/manage/projects/${boss.projectId}/feature-gates`),
      status: 200, trace: 'getFeatureGates', resourceType: 'featuregate', resourceName: boss.projectId,
    },
    { title: 'traces listed', operation: 'ListTraces', run: () => boss.call('GET', `/v3/${boss.projectId}/traces?limit=1&trace_name=none`), status: 200, trace: 'listTraces', resourceType: 'trace', resourceName: boss.projectId },
    {
      title: 'push into another account refused',
      run: () => new OciClient(registry().url, { username: `${outsider}/boss`, password: PASSWORD }).request('POST', `/v2/${repo}/blobs/uploads/`),
      status: 401,
      trace: 'uploadBlob',
      resourceType: 'blob',
      resourceName: repo,
      reader: () => other,
    },
    {
      title: 'manifest deleted',
      run: () => oci.request('DELETE', `/v2/${repo}/manifests/${pushed.digest}`),
      status: 202,
      trace: 'deleteImage',
      resourceType: 'image',
      // Known only once the image was pushed.
      get resourceName() {
        return `${repo}@${pushed.digest}`;
      },
    },
    { title: 'blob deleted', run: () => oci.request('DELETE', `/v2/${repo}/blobs/${sha256('monolithic')}`), status: 202, trace: 'deleteBlob', resourceType: 'blob', resourceName: `${repo}@${sha256('monolithic')}` },
    { title: 'repository deleted', operation: 'DeleteRepo', run: () => boss.call('DELETE', path), status: 204, trace: 'deleteImageRepository', resourceType: 'imagerepository', resourceName: repo },
    { title: 'mounted repository deleted', run: () => boss.call('DELETE', `/v2/manage/namespaces/${org}/repos/other`), status: 204, trace: 'deleteImageRepository', resourceType: 'imagerepository', resourceName: `${org}/other` },
    { title: 'organization deleted', operation: 'DeleteNamespaces', run: () => boss.call('DELETE', `/v2/manage/namespaces/${org}`), status: 204, trace: 'deleteUserNamespace', resourceType: 'usernamespace', resourceName: org },
  ];

  it('covers every audited management operation', () => {
    const covered = new Set(cases().map((c) => c.operation));
    const audited = ALL_MANAGE_OPERATIONS.filter((o) => o.audit).map((o) => o.id);
    expect(audited.filter((id) => !covered.has(id))).toEqual([]);
  });

  it('leaves exactly one trace per call, with its name, caller, resource and rating', async () => {
    const done: Array<{ case: Case; requestId: string }> = [];
    for (const c of cases()) {
      const res = await c.run();
      expect({ title: c.title, status: res.status }).toEqual({ title: c.title, status: c.status });
      const requestId = res.header('x-request-id');
      expect(requestId).toBeTruthy();
      done.push({ case: c, requestId: requestId as string });
    }
    const readers = [boss, other];
    let byRequest = new Map<string, Trace[]>();
    const collect = async () => {
      byRequest = new Map();
      for (const reader of readers) {
        for (const trace of await trail(reader)) byRequest.set(trace.request_id, [...(byRequest.get(trace.request_id) ?? []), trace]);
      }
    };
    const missing = () => done.filter((d) => !byRequest.has(d.requestId)).map((d) => d.case.title);
    await waitFor('every call in the trail', async () => {
      await collect();
      return missing().length === 0;
    }).catch(() => expect(missing()).toEqual([]));
    // Anything recorded twice would have arrived by now.
    await new Promise((r) => setTimeout(r, 1_500));
    await collect();
    for (const { case: c, requestId } of done) {
      const reader = c.reader?.() ?? boss;
      const traces = byRequest.get(requestId) ?? [];
      // A first push creates its repository: that is a trace of its own, by the same request.
      const found = traces.filter((t) => t.trace_name !== 'createImageRepository' || c.trace === 'createImageRepository');
      expect({ title: c.title, traces: found.map((t) => t.trace_name) }).toEqual({ title: c.title, traces: [c.trace] });
      const [trace] = found;
      expect({ title: c.title, ...trace }).toMatchObject({
        title: c.title,
        trace_rating: c.status >= 500 ? 'incident' : c.status >= 400 ? 'warning' : 'normal',
        trace_type: 'ApiCall',
        resource_type: c.resourceType,
        ...(c.resourceName !== undefined ? { resource_name: c.resourceName } : {}),
        source_ip: '127.0.0.1',
        code: String(c.status),
        user: expect.objectContaining({ id: expect.stringMatching(/./), domain: expect.objectContaining({ id: expect.stringMatching(/./) }) }),
      });
      // Registry tokens name the account by id only; management calls name it too.
      expect([account, outsider, '']).toContain(trace.user.domain.name);
      expect(trace.user.domain.id).toBe((await trail(reader))[0].user.domain.id);
    }
  }, 120_000);

  it("counts pulls into one system trace per repository and batch, in the owner's trail", async () => {
    const pulled = `${org}p/app`;
    await oci.pushImage(pulled, 'v1');
    for (let i = 0; i < 3; i++) expect((await oci.request('GET', `/v2/${pulled}/manifests/v1`, { headers: { accept: OCI_MANIFEST } })).status).toBe(200);
    const pullTraces = async (): Promise<Trace[]> =>
      (await boss.call('GET', `/v3/${boss.projectId}/traces?trace_name=pullImage&resource_name=${pulled}`)).json().traces;
    const counted = (traces: Trace[]) => traces.reduce((sum, t) => sum + JSON.parse(t.request).count, 0);
    // Each gateway counts the pulls it served, so with two gateways the three may come in two batches.
    await waitFor('the counted pulls in the trail', async () => counted(await pullTraces()) >= 3);
    // A pull counted twice would have arrived by now.
    await new Promise((r) => setTimeout(r, 1_500));
    const traces = await pullTraces();
    expect(traces[0]).toMatchObject({ trace_type: 'SystemAction', resource_type: 'imagerepository', trace_rating: 'normal', source_ip: '' });
    expect(counted(traces)).toBe(3);
  });

  it('shows an account only its own trail, to its admins only', async () => {
    const mine = await trail(boss);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.user.domain.id === '' || t.user.domain.id === mine[0].user.domain.id)).toBe(true);
    expect((await other.call('GET', `/v3/${boss.projectId}/traces`)).status).toBe(403);
    const member = await ManageClient.signIn(registry().url, account, 'member', PASSWORD);
    expect((await member.call('GET', `/v3/${boss.projectId}/traces`)).status).toBe(403);
    expect((await boss.call('GET', `/v3/${boss.projectId}/traces?limit=0`)).status).toBe(400);
    expect((await boss.call('GET', `/v3/${boss.projectId}/traces?next=not-a-marker`)).status).toBe(400);
  });

  it('pages newest first with a marker, and filters by name, rating and resource', async () => {
    const page1 = (await boss.call('GET', `/v3/${boss.projectId}/traces?limit=3`)).json();
    expect(page1.traces).toHaveLength(3);
    const page2 = (await boss.call('GET', `/v3/${boss.projectId}/traces?limit=3&next=${page1.meta_data.marker}`)).json();
    const times = [...page1.traces, ...page2.traces].map((t: Trace) => t.time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set([...page1.traces, ...page2.traces].map((t: Trace) => t.trace_id)).size).toBe(page1.traces.length + page2.traces.length);
    const warnings = (await boss.call('GET', `/v3/${boss.projectId}/traces?trace_rating=warning&trace_name=createUserNamespace`)).json().traces;
    expect(warnings.map((t: Trace) => [t.trace_name, t.code, t.resource_name])).toEqual([['createUserNamespace', '409', org]]);
    const byResource = (await boss.call('GET', `/v3/${boss.projectId}/traces?resource_type=usernamespace&resource_name=${org}&trace_name=deleteUserNamespace&trace_rating=normal`)).json();
    expect(byResource.traces).toHaveLength(1);
    const future = Date.now() + 3_600_000;
    expect((await boss.call('GET', `/v3/${boss.projectId}/traces?from=${future}`)).json().traces).toEqual([]);
  });
}
