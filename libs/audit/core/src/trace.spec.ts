import type { EventEnvelope } from '@swr/contracts';
import { ratingOf, traceOf } from './trace';

const event = (type: string, data: Record<string, unknown>, code = 200, actor: EventEnvelope['actor'] = { accountId: 'a1', userId: 'u1', userName: 'dev', sourceIp: '10.0.0.1' }): EventEnvelope => ({
  id: '6f1c1f53-0d6b-4a4c-9a57-2f1f1e0c8a11',
  type,
  time: '2026-11-23T10:00:00.000Z',
  actor,
  requestId: 'r1',
  resource: { type: 'x', name: 'acme/app' },
  outcome: { code },
  data,
});

describe('a trace of an event', () => {
  it('rates success normal, a refusal warning and a failure of ours incident', () => {
    expect([ratingOf(201), ratingOf(404), ratingOf(409), ratingOf(503)]).toEqual(['normal', 'warning', 'warning', 'incident']);
  });

  it("names permission changes after their scope, as Cloud Trace Service does", () => {
    expect(traceOf(event('permission.granted', { scope: { organization: 'acme' }, grants: [] })).name).toBe('createUserNamespaceAuth');
    expect(traceOf(event('permission.revoked', { scope: { organization: 'acme', repository: 'acme/app' }, userIds: [] })).name).toBe('deleteUserRepositoryAuth');
  });

  it("takes a gateway record's name and resource type from the operation it answered, and keeps the refusal", () => {
    const trace = traceOf(event('call.answered', { operation: 'deleteUserNamespace', resourceType: 'usernamespace', method: 'DELETE', path: '/v2/manage/namespaces/acme', response: '{"error_code":"SVCSTG.SWR.4060074"}' }, 406));
    expect(trace).toMatchObject({ name: 'deleteUserNamespace', resourceType: 'usernamespace', rating: 'warning', code: 406, response: '{"error_code":"SVCSTG.SWR.4060074"}', type: 'ApiCall' });
    expect(JSON.parse(trace.request)).toEqual({ method: 'DELETE', path: '/v2/manage/namespaces/acme' });
  });

  it('marks what the system did by itself (no source address) as a system action with no account', () => {
    const trace = traceOf(event('repository.pulled', { organization: 'acme', repository: 'acme/app', count: 3 }, 200, {}));
    expect(trace).toMatchObject({ name: 'pullImage', type: 'SystemAction', userId: '', sourceIp: '' });
    expect(trace.accountId).toBeUndefined();
  });

  it('keeps an unknown event type under its own name rather than dropping it', () => {
    expect(traceOf(event('retention.rule-created', {})).name).toBe('retention.rule-created');
  });
});
