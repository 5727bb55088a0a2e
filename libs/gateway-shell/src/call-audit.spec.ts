import { currentCall, MemoryOutbox } from '@swr/messaging';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auditCalls } from './call-audit';

/** What a handler saw of its call: the request id in its context at the start and after its work. */
interface Seen {
  atStart?: string;
  afterWork?: string;
}

describe('call contexts of the requests the gateway serves', () => {
  let app: FastifyInstance;
  let base: string;
  const seen: Seen[] = [];
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    app = Fastify();
    auditCalls(app, [], new MemoryOutbox());
    // A registry route, as the distribution feature registers it; its handler takes a while.
    app.route({
      method: ['DELETE'],
      url: '/v2/*',
      handler: async (_request, reply) => {
        const record: Seen = { atStart: currentCall()?.requestId };
        seen.push(record);
        await wait(150);
        await Promise.resolve();
        record.afterWork = currentCall()?.requestId;
        return reply.code(202).send();
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('serves a registry write within its call to the end of its work, even when the client hangs up first', async () => {
    seen.length = 0;
    const sent = request(`${base}/v2/org/app/manifests/v1`, { method: 'DELETE' });
    sent.on('error', () => undefined);
    sent.end();
    await wait(40);
    sent.destroy();
    await wait(250);
    expect(seen).toHaveLength(1);
    expect(seen[0].atStart).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0].afterWork).toBe(seen[0].atStart);
  });

  it('gives overlapping writes each its own call, whichever ends first', async () => {
    seen.length = 0;
    const answers = await Promise.all([0, 30, 60].map(async (delay) => {
      await wait(delay);
      const answer = await fetch(`${base}/v2/org/app${delay}/manifests/v1`, { method: 'DELETE' });
      return answer.headers.get('x-request-id');
    }));
    expect(seen.map((s) => s.afterWork).sort()).toEqual([...answers].sort());
    expect(seen.every((s) => s.atStart === s.afterWork)).toBe(true);
  });
});
