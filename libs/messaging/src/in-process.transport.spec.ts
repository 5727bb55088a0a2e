import { Controller } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MessagingErrorCode, RemoteError, rpc } from '@swr/contracts';
import { z } from 'zod';
import { currentCall, identifyCaller, runInCall } from './call-context';
import { Handles } from './handles.decorator';
import { controllersOf, InProcessBus, InProcessRpcClient } from './in-process.transport';

const Echo = rpc('test.echo.v1', z.object({ text: z.string().max(5), at: z.string() }), z.object({ text: z.string(), at: z.string() }));
const Fail = rpc('test.fail.v1', z.object({ coded: z.boolean(), driver: z.boolean().optional() }), z.object({}));
const Stamp = rpc('test.stamp.v1', z.object({}), z.object({ at: z.string() }));
const Missing = rpc('test.missing.v1', z.object({}), z.object({}));
const WhoAsks = rpc('test.who.v1', z.object({}), z.object({ requestId: z.string().optional(), userName: z.string().optional() }));

class CodedFailure extends Error {
  readonly code = 'SOMETHING_UNKNOWN';
  readonly status = 404;
  readonly detail = { which: 'thing' };
}

/** What a database driver throws: a code, but none of our API's. */
class DriverFailure extends Error {
  readonly code = '42P08';
}

@Controller()
class TestHandlers {
  @Handles(Echo)
  echo(request: { text: string; at: string }) {
    return { text: request.text.toUpperCase(), at: request.at };
  }

  @Handles(Stamp)
  stamp() {
    return { at: new Date('2026-12-05T00:00:00Z') };
  }

  @Handles(WhoAsks)
  async whoAsks() {
    await Promise.resolve();
    return { requestId: currentCall()?.requestId, userName: currentCall()?.actor.userName };
  }

  @Handles(Fail)
  fail(request: { coded: boolean; driver?: boolean }) {
    if (request.driver) throw new DriverFailure('inconsistent types deduced for parameter $8 in SELECT secret FROM accounts');
    throw request.coded ? new CodedFailure('the thing is unknown') : new Error('database password leaked in this message');
  }
}

describe('in-process transport', () => {
  let client: InProcessRpcClient;
  let close: () => Promise<void>;
  let stopServing: () => void;

  beforeAll(async () => {
    const bus = new InProcessBus();
    const moduleRef = await Test.createTestingModule({ controllers: [TestHandlers] }).compile();
    const app = await moduleRef.init();
    stopServing = bus.serve(controllersOf(app));
    client = new InProcessRpcClient(bus);
    close = () => app.close();
  });
  afterAll(() => close());

  it('answers a valid request with the handler result', async () => {
    await expect(client.call(Echo, { text: 'hi', at: '2026-01-01' })).resolves.toEqual({ text: 'HI', at: '2026-01-01' });
  });

  it('refuses a request the contract does not allow, before the handler runs', async () => {
    await expect(client.call(Echo, { text: 'far too long', at: 'x' })).rejects.toMatchObject({ code: MessagingErrorCode.BadRequest });
  });

  it('passes a coded failure through with its code and detail', async () => {
    const error = await client.call(Fail, { coded: true }).catch((e) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'SOMETHING_UNKNOWN', message: 'the thing is unknown', detail: { which: 'thing' } });
  });

  it('hides the message of an unexpected failure', async () => {
    const error = await client.call(Fail, { coded: false }).catch((e) => e);
    expect(error).toMatchObject({ code: MessagingErrorCode.Internal, message: 'internal error' });
    const driver = await client.call(Fail, { coded: false, driver: true }).catch((e) => e);
    expect(driver).toMatchObject({ code: MessagingErrorCode.Internal, message: 'internal error' });
  });

  it('serves a request within its caller\'s call context, naming the caller as identified so far', async () => {
    const asked = runInCall({ requestId: 'req-1', actor: { sourceIp: '127.0.0.1' } }, async () => {
      identifyCaller({ userName: 'alice', accountName: undefined });
      return client.call(WhoAsks, {});
    });
    await expect(asked).resolves.toEqual({ requestId: 'req-1', userName: 'alice' });
    await expect(client.call(WhoAsks, {})).resolves.toEqual({});
  });

  it('says when nothing handles a subject', async () => {
    await expect(client.call(Missing, {})).rejects.toMatchObject({ code: MessagingErrorCode.NoHandler });
  });

  it('gives the handler and the caller copies as NATS would: dates as strings, nothing shared', async () => {
    const sent = { text: 'hi', at: '2026-01-01' };
    const answer = await client.call(Echo, sent);
    answer.text = 'changed';
    expect(sent).toEqual({ text: 'hi', at: '2026-01-01' });
    await expect(client.call(Stamp, {})).resolves.toEqual({ at: '2026-12-05T00:00:00.000Z' });
  });

  it('refuses a second handler of the same subject', () => {
    const bus = new InProcessBus();
    bus.serve([new TestHandlers()]);
    expect(() => bus.serve([new TestHandlers()])).toThrow('two handlers for test.echo.v1');
  });

  it('stops answering once it stops serving', async () => {
    stopServing();
    await expect(client.call(Echo, { text: 'hi', at: 'x' })).rejects.toMatchObject({ code: MessagingErrorCode.NoHandler });
  });
});
