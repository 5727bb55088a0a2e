import fc from 'fast-check';
import { randomInt } from 'node:crypto';
import { raw, RawResponse } from './http';
import { buildPath, Fixture, fixtureValue, FuzzRequest, malformedRequest, ManagementOperation, oddWellTypedQuery, operationsOf } from './malformed-requests';
import { ManageClient } from './manage-client';
import type { RegistryUnderTest } from '@swr/testing';

/**
 * Property-based fuzzing of SWR's management API. Every operation is read from the registry's own
 * OpenAPI document, so a new route is fuzzed without touching this file. The property is that the
 * registry refuses each malformed request with a 4xx in SWR's error envelope, and that nothing it
 * stores changes. A second, weaker property covers what is well-formed but odd (NUL and the like in
 * free-text list criteria): no server error.
 */

/** Runs per operation with input; more when there are few operations, so the total stays at least {@link MIN_TOTAL_RUNS}. */
const RUNS_PER_OPERATION = 12;
const MIN_TOTAL_RUNS = 250;
/** Runs per list operation of the odd-but-well-formed criteria property. */
const ODD_RUNS_PER_OPERATION = 8;
/** `SWR_FUZZ_SEED=<n>` replays a failing run (the seed is in the failure message). */
const SEED = process.env.SWR_FUZZ_SEED ? Number(process.env.SWR_FUZZ_SEED) : undefined;

// ---------------------------------------------------------------------------------------------
// The checks.

const clip = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

function describeRequest(req: FuzzRequest): string {
  const body = req.body ? `\n  content-type: ${req.body.contentType}\n  body: ${clip(JSON.stringify(req.body.text))}` : '';
  return `${req.method} ${clip(req.path, 600)} (malformed ${req.malformed})${body}`;
}

/** Null when the answer is a 4xx in SWR's envelope (or, where `ok` allows, a 2xx with JSON); otherwise what is wrong with it. */
function problemWith(res: RawResponse, ok: 'refusal' | 'refusal or success' = 'refusal'): string | null {
  const text = res.body.toString('utf8');
  if (ok === 'refusal or success' && res.status >= 200 && res.status <= 299) {
    try {
      JSON.parse(text);
      return null;
    } catch {
      return `status ${res.status} with a body that is not JSON`;
    }
  }
  if (res.status < 400 || res.status > 499) return `status ${res.status}, not 4xx`;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return 'a body that is not JSON';
  }
  if (typeof body !== 'object' || body === null) return 'a body that is not a JSON object';
  if (typeof body.error_code !== 'string' || !/^SVCSTG\.SWR\.4\d{6}$/.test(body.error_code)) return 'no SVCSTG.SWR.4xxxxxx error_code';
  if (!body.error_code.startsWith(`SVCSTG.SWR.${res.status}`)) return `error_code ${body.error_code} does not carry status ${res.status}`;
  if (typeof body.error_msg !== 'string' || body.error_msg === '') return 'no error_msg';
  return null;
}

function failureOf<T>(op: ManagementOperation, details: fc.RunDetails<T>): string {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return `${op.key} (seed ${details.seed}, path ${details.counterexamplePath}, after ${details.numRuns} runs and ${details.numShrinks} shrinks): ${error}`;
}

/** Fuzzes SWR's management API: malformed requests are refused in SWR's format and change nothing. */
export function describeManagementFuzz(registry: () => RegistryUnderTest): void {
  let url: string;
  let client: ManageClient;
  let token: string;
  let fixture: Fixture;
  let operations: ManagementOperation[];
  let skipped: string[];
  let before: unknown;
  let sent = 0;
  const call = (method: string, path: string, body?: unknown) => client.call(method, path, body);
  const get = async (path: string) => {
    const res = await call('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${clip(res.body.toString())}`);
    return res.json();
  };
  /** What the registry stores, as its API shows it: the fixture in detail, and every list. */
  const snapshot = async () => {
    const { namespace: ns, repository: repo, projectId } = fixture;
    return {
      namespaces: (await get('/v2/manage/namespaces')).namespaces,
      repositories: await get('/v2/manage/repos?limit=1000'),
      quotas: await get(`/v2/manage/projects/${projectId}/quotas`),
      namespace: await get(`/v2/manage/namespaces/${ns}`),
      namespaceAccess: await get(`/v2/manage/namespaces/${ns}/access`),
      repository: await get(`/v2/manage/namespaces/${ns}/repos/${repo}`),
      repositoryAccess: await get(`/v2/manage/namespaces/${ns}/repos/${repo}/access`),
      accessDomains: await get(`/v2/manage/namespaces/${ns}/repositories/${repo}/access-domains`),
    };
  };

  beforeAll(async () => {
    url = registry().url;
    client = await ManageClient.fromLogin(url, registry().admin);
    token = client.token;
    const doc = await call('GET', '/v2/manage/openapi.json');
    expect(doc.status).toBe(200);
    ({ fuzzed: operations, skipped } = operationsOf(doc.json()));

    fixture = { namespace: `fuzz-fixture-${Date.now()}${randomInt(1000)}`, repository: 'app', projectId: client.projectId };
    expect((await call('POST', '/v2/manage/namespaces', { namespace: fixture.namespace })).status).toBe(201);
    expect((await call('POST', `/v2/manage/namespaces/${fixture.namespace}/repos`, { repository: fixture.repository, is_public: false })).status).toBe(200);
    // Timestamps have whole seconds: a change made by the fuzzing must not fall in the second of the
    // creation. And the gateway adds pull counts every 2 s: those of pulls made by earlier suites must
    // have landed before the snapshot, or they would look like changes made by the fuzzing.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    before = await snapshot();
  }, 60_000);

  afterAll(async () => {
    if (!fixture || !token) return;
    await call('DELETE', `/v2/manage/namespaces/${fixture.namespace}/repos/${fixture.repository}`).catch(() => undefined);
    await call('DELETE', `/v2/manage/namespaces/${fixture.namespace}`).catch(() => undefined);
  });

  it('finds every management operation with input in the OpenAPI document', () => {
    const keys = operations.map((o) => o.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /v2/manage/namespaces',
        'DELETE /v2/manage/namespaces/{namespace}',
        'PATCH /v2/manage/namespaces/{namespace}/repos/{repository}',
        'GET /v2/manage/repos',
        'POST /v2/manage/namespaces/{namespace}/repos/{repository}/tags',
        'POST /v2/manage/utils/secret',
        'GET /v3/{project_id}/traces',
      ]),
    );
    expect(skipped).toEqual(expect.arrayContaining(['GET /', 'GET /v2', 'GET /v2/manage/overview', 'POST /v3/users', 'PUT /v3.0/OS-CREDENTIAL/credentials/{access_key}']));
    expect(keys.every((k) => /^[A-Z]+ \/v\d\/(manage\/|\{project_id\}\/traces$)/.test(k))).toBe(true);
  });

  it('refuses malformed requests to every management operation with a 4xx in SWR’s error format, changing nothing', async () => {
    const numRuns = Math.max(RUNS_PER_OPERATION, Math.ceil(MIN_TOTAL_RUNS / operations.length));
    const failures: string[] = [];
    let previous = before;
    for (const op of operations) {
      const property = fc.asyncProperty(malformedRequest(op, fixture), async (req) => {
        const headers: Record<string, string> = { 'x-auth-token': token };
        if (req.body) headers['content-type'] = req.body.contentType;
        const res = await raw(url, req.method, req.path, { headers, ...(req.body ? { body: req.body.text } : {}) });
        sent++;
        const problem = problemWith(res);
        if (problem) throw new Error(`${problem}\n  request: ${describeRequest(req)}\n  response: ${res.status} ${clip(res.body.toString('utf8'))}`);
      });
      const details = await fc.check(property, { numRuns, seed: SEED });
      if (details.failed) failures.push(failureOf(op, details));
      const now = await snapshot();
      if (JSON.stringify(now) !== JSON.stringify(previous)) failures.push(`${op.key}: stored data changed while fuzzing it\n  before: ${clip(JSON.stringify(previous), 2000)}\n  after: ${clip(JSON.stringify(now), 2000)}`);
      previous = now;
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(MIN_TOTAL_RUNS);
  }, 120_000);

  it('answers odd but well-formed list criteria (NUL, RTL marks, emoji, injections) without a server error', async () => {
    const failures: string[] = [];
    let runs = 0;
    for (const op of operations) {
      const queries = oddWellTypedQuery(op);
      if (!queries) continue;
      const valid = Object.fromEntries(op.pathParams.map((p) => [p, fixtureValue(p, fixture)]));
      const property = fc.asyncProperty(queries, async (query) => {
        const req: FuzzRequest = { method: op.method, path: buildPath(op, valid, query), malformed: 'nothing: odd free-text criteria' };
        const res = await raw(url, req.method, req.path, { headers: { 'x-auth-token': token } });
        runs++;
        const problem = problemWith(res, 'refusal or success');
        if (problem) throw new Error(`${problem}\n  request: ${describeRequest(req)}\n  response: ${res.status} ${clip(res.body.toString('utf8'))}`);
      });
      const details = await fc.check(property, { numRuns: ODD_RUNS_PER_OPERATION, seed: SEED });
      if (details.failed) failures.push(failureOf(op, details));
    }
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(0);
  }, 60_000);

  it('leaves what the registry stores unchanged, the fixture’s timestamps included', async () => {
    expect(await snapshot()).toEqual(before);
  });
}
