import { Controller, Module } from '@nestjs/common';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagingErrorCode, RemoteError, rpc } from '@swr/contracts';
import { NatsServerHandle, startNatsServer } from '@swr/testing';
import { z } from 'zod';
import { Handles } from './handles.decorator';
import { NatsRpcClient, natsServer } from './nats.transport';

const Echo = rpc('spec.nats.echo.v1', z.object({ n: z.number() }), z.object({ n: z.number(), at: z.string() }));
const Fail = rpc('spec.nats.fail.v1', z.object({}), z.object({}));
const Nobody = rpc('spec.nats.nobody.v1', z.object({}), z.object({}));

class CodedFailure extends Error {
  readonly code = 'NAME_UNKNOWN';
  readonly status = 404;
  readonly detail = { name: 'x' };
}

@Controller()
class Handlers {
  @Handles(Echo)
  async echo({ n }: { n: number }) {
    await new Promise((resolve) => setTimeout(resolve, n % 7));
    return { n, at: new Date(Date.UTC(2026, 11, 5)) };
  }

  @Handles(Fail)
  fail(): never {
    throw new CodedFailure('repository name not known to registry');
  }
}

@Module({ controllers: [Handlers] })
class HandlersModule {}

describe('RPC over NATS (real nats-server, Nest NATS server, our client)', () => {
  let nats: NatsServerHandle;
  let service: INestMicroservice;
  let client: NatsRpcClient;

  beforeAll(async () => {
    nats = await startNatsServer();
    service = await NestFactory.createMicroservice(HandlersModule, { strategy: natsServer({ servers: [nats.url], queue: 'spec-nats' }), logger: false });
    await service.listen();
    client = new NatsRpcClient({ servers: [nats.url] }, 5_000);
  }, 30_000);
  afterAll(async () => {
    await client?.close();
    await service?.close();
    await nats?.stop();
  });

  it('answers each of many concurrent calls with its own reply, as JSON carries it', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => client.call(Echo, { n })));
    expect(answers.map((a) => a.n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(answers[0].at).toBe('2026-12-05T00:00:00.000Z');
  });

  it("passes a handler's coded failure through with its code and detail", async () => {
    const error = await client.call(Fail, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'NAME_UNKNOWN', message: 'repository name not known to registry', detail: { name: 'x' } });
  });

  it('fails the calls still waiting when it closes, as unavailable rather than hanging', async () => {
    const closing = new NatsRpcClient({ servers: [nats.url] }, 5_000);
    await closing.connect();
    const waiting = closing.call(Echo, { n: 6 }).catch((e: unknown) => e);
    await closing.close();
    expect(await waiting).toMatchObject({ code: MessagingErrorCode.Unavailable });
  });

  it('says that a request is over the NATS payload limit, rather than that the connection closed', async () => {
    const oversized = { n: 1, padding: 'x'.repeat(9 * 1024 * 1024) } as { n: number };
    const error = await client.call(Echo, oversized).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: MessagingErrorCode.Unavailable });
    expect((error as Error).message).toMatch(/payload/i);
    await expect(client.call(Echo, { n: 2 })).resolves.toMatchObject({ n: 2 });
  });

  it('says at once, not after its timeout, that no service answers a subject', async () => {
    const started = Date.now();
    await expect(client.call(Nobody, {})).rejects.toMatchObject({ code: MessagingErrorCode.Unavailable });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
