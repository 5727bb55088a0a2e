import { AuditTrail, traceOf } from '@swr/audit-core';
import type { EventEnvelope } from '@swr/contracts';
import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { AUDIT_MIGRATIONS, AUDIT_SCHEMA } from './migrations';
import { PostgresTraceStore } from './postgres-trace-store';

const at = (minutesAgo: number, now: Date) => new Date(now.getTime() - minutesAgo * 60_000);

function event(time: Date, accountId: string, name = 'acme'): EventEnvelope {
  return {
    id: randomUUID(),
    type: 'organization.created',
    time: time.toISOString(),
    actor: { accountId, userId: 'u1', userName: 'dev', sourceIp: '127.0.0.1' },
    resource: { type: 'usernamespace', name },
    outcome: { code: 201 },
    data: { organization: name, byPush: false },
  };
}

describe('the audit trail in PostgreSQL', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  const now = new Date('2026-11-23T12:00:00Z');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-audit-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: AUDIT_SCHEMA, migrations: AUDIT_MIGRATIONS });
  }, 60_000);

  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a redelivered event once, and pages an account newest first with a marker', async () => {
    const store = new PostgresTraceStore(db);
    const events = Array.from({ length: 7 }, (_, i) => event(at(i, now), 'paging'));
    expect(await store.add(events.map(traceOf))).toBe(7);
    expect(await store.add(events.slice(0, 3).map(traceOf))).toBe(0);
    await store.add([traceOf(event(now, 'someone-else'))]);
    const first = await store.query({ accountId: 'paging', limit: 3 });
    const second = await store.query({ accountId: 'paging', limit: 3, next: first.marker });
    const third = await store.query({ accountId: 'paging', limit: 3, next: second.marker });
    expect([...first.traces, ...second.traces, ...third.traces].map((t) => t.trace_id)).toEqual(events.map((e) => e.id));
    expect(third.marker).toBeUndefined();
    const window = await store.query({ accountId: 'paging', limit: 10, from: at(4, now).getTime(), to: at(2, now).getTime() });
    expect(window.traces.map((t) => t.trace_id)).toEqual(events.slice(2, 5).map((e) => e.id));
  });

  it('stores a refused call whose path carried a NUL character', async () => {
    const store = new PostgresTraceStore(db);
    const smuggled = {
      ...event(now, 'nul', 'a\u0000b'),
      type: 'call.answered',
      outcome: { code: 400 },
      data: { operation: 'showUserNamespace', resourceType: 'usernamespace', method: 'GET', path: '/v2/manage/namespaces/a\u0000b', response: 'bad \u0000 name' },
    };
    expect(await store.add([traceOf(smuggled)])).toBe(1);
    const [stored] = (await store.query({ accountId: 'nul', limit: 1 })).traces;
    expect([stored.resource_name, stored.response]).toEqual(['a\uFFFDb', 'bad \uFFFD name']);
  });

  it('removes, on pruning, only what is older than the retention period', async () => {
    const store = new PostgresTraceStore(db);
    const old = event(at(8 * 24 * 60, now), 'retention', 'old');
    const recent = event(at(6 * 24 * 60, now), 'retention', 'recent');
    await store.add([traceOf(old), traceOf(recent)]);
    const trail = new AuditTrail(store, 7, () => now);
    expect(await trail.prune()).toBeGreaterThanOrEqual(1);
    const left = await store.query({ accountId: 'retention', limit: 10 });
    expect(left.traces.map((t) => t.resource_name)).toEqual(['recent']);
  });
});
