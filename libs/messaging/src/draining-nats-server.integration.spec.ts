import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { MessagingErrorCode, rpc } from '@swr/contracts';
import { NatsServerHandle, startNatsServer } from '@swr/testing';
import { z } from 'zod';
import { Handles } from './handles.decorator';
import { NatsRpcClient, natsServer } from './nats.transport';

const SLOW = rpc('spec.drain.slow.v1', z.object({ ms: z.number() }), z.object({ replica: z.string() }));

/** A replica that takes `ms` to answer and says which replica it is. */
function replicaModule(name: string) {
  @Controller()
  class SlowController {
    @Handles(SLOW)
    async slow({ ms }: { ms: number }): Promise<{ replica: string }> {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { replica: name };
    }
  }
  @Module({ controllers: [SlowController] })
  class ReplicaModule {}
  return ReplicaModule;
}

describe('a NATS service replica that stops (real nats-server)', () => {
  let nats: NatsServerHandle;
  let client: NatsRpcClient;
  const replicas: INestMicroservice[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    client = new NatsRpcClient({ servers: [nats.url] }, 5_000);
    await client.connect();
  }, 30_000);
  afterAll(async () => {
    for (const replica of replicas) await replica.close().catch(() => undefined);
    await client?.close();
    await nats?.stop();
  });

  async function start(name: string, shutdownGraceMs: number): Promise<INestMicroservice> {
    const app = await NestFactory.createMicroservice(replicaModule(name), {
      strategy: natsServer({ servers: [nats.url], queue: 'spec-drain', name, shutdownGraceMs }),
      logger: false,
    });
    await app.listen();
    replicas.push(app);
    // Answered "no responders" if listen() resolved before the NATS server had the subscription.
    await client.call(SLOW, { ms: 0 });
    return app;
  }

  /** How many subscriptions the NATS server routes `subject` to. */
  async function subscribers(subject: string): Promise<number> {
    const { subscriptions_list: list } = (await (await fetch(`${nats.monitorUrl}/subsz?subs=1&limit=4096`)).json()) as { subscriptions_list: Array<{ subject: string }> };
    return list.filter((subscription) => subscription.subject === subject).length;
  }

  it('answers the requests it holds before it disconnects, while the next ones go to the other replica', async () => {
    const leaving = await start('leaving', 5_000);
    const staying = await start('staying', 5_000);
    let answered = 0;
    const first = Array.from({ length: 20 }, () => client.call(SLOW, { ms: 400 }).finally(() => (answered += 1)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = leaving.close();
    // The next requests are those sent once the server has the leaving replica's unsubscription,
    // which comes first, while it still holds requests (sent sooner, they race it).
    while ((await subscribers(SLOW.subject)) > 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(answered).toBeLessThan(20);
    const later = Array.from({ length: 10 }, () => client.call(SLOW, { ms: 10 }));
    const answers = await Promise.all([...first, ...later]);
    await closing;

    expect(answers.slice(0, 20).filter((a) => a.replica === 'leaving').length).toBeGreaterThan(0);
    expect(answers.slice(20).every((a) => a.replica === 'staying')).toBe(true);
    await staying.close();
  }, 30_000);

  it('takes requests the moment it has started listening', async () => {
    for (let round = 0; round < 30; round++) {
      const replica = await start(`fresh-${round}`, 1_000);
      await replica.close();
    }
  }, 30_000);

  it('stops at once when it holds nothing, and lets go of a request that outlasts the grace period', async () => {
    const idle = await start('idle', 5_000);
    let t = Date.now();
    await idle.close();
    expect(Date.now() - t).toBeLessThan(1_000);

    const stuck = await start('stuck', 300);
    const late = client.call(SLOW, { ms: 3_000 }).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    t = Date.now();
    await stuck.close();
    expect(Date.now() - t).toBeLessThan(2_000);
    expect(await late).toMatchObject({ code: MessagingErrorCode.Timeout });
  }, 30_000);
});
