import { EventEnvelope, eventSubject } from '@swr/contracts';
import { randomUUID } from 'node:crypto';
import { DeadLetteredError, EventHandler } from './event-consumer';
import { InProcessEventBus } from './in-process-event-bus';

function envelope(n: number): EventEnvelope {
  return {
    id: randomUUID(),
    type: 'test.thing',
    time: new Date().toISOString(),
    actor: {},
    resource: { type: 'thing', name: `thing-${n}` },
    outcome: { code: 200 },
    data: { n },
  };
}

function publishAll(bus: InProcessEventBus, events: readonly EventEnvelope[]): Promise<void[]> {
  return Promise.all(events.map((e) => bus.publish(eventSubject(e.type), JSON.stringify(e), e.id)));
}

/** Records each call's event ids. */
function recorder(work: (events: readonly EventEnvelope[]) => Promise<void> | void = () => undefined): EventHandler & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async handle(events) {
      calls.push(events.map((e) => e.id));
      await work(events);
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('in-process event bus', () => {
  let bus: InProcessEventBus;
  beforeEach(() => (bus = new InProcessEventBus()));
  afterEach(() => bus.close());

  it('hands each event once to each kind, and resolves publish only once both have handled it', async () => {
    const audit = recorder();
    let triggered = 0;
    const trigger = recorder(async (events) => {
      await sleep(5);
      triggered += events.length;
    });
    await bus.consumer({ durable: 'audit' }).start(audit);
    await bus.consumer({ durable: 'trigger' }).start(trigger);
    const events = Array.from({ length: 100 }, (_, i) => envelope(i));

    await publishAll(bus, events);

    expect(triggered).toBe(100);
    const ids = events.map((e) => e.id).sort();
    expect(audit.calls.flat().sort()).toEqual(ids);
    expect(trigger.calls.flat().sort()).toEqual(ids);
  });

  it('hands publishes that arrive while the handler is busy to its next call together, up to the batch size', async () => {
    const handler = recorder(() => sleep(20));
    await bus.consumer({ durable: 'audit', batchSize: 10 }).start(handler);
    const events = Array.from({ length: 45 }, (_, i) => envelope(i));

    await publishAll(bus, events);

    expect(handler.calls.flat()).toHaveLength(45);
    expect(handler.calls.length).toBeLessThanOrEqual(6);
    expect(Math.max(...handler.calls.map((c) => c.length))).toBe(10);

    // One event alone, then five while the handler is still busy with it: one call for the five.
    handler.calls.length = 0;
    const [lone, ...rest] = Array.from({ length: 6 }, (_, i) => envelope(i));
    const first = publishAll(bus, [lone]);
    await sleep(5);
    await Promise.all([first, publishAll(bus, rest)]);
    expect(handler.calls).toEqual([[lone.id], rest.map((e) => e.id)]);
  });

  it('shares a kind among its replicas: each event is handled by one of them', async () => {
    const first = recorder(() => sleep(2));
    const second = recorder(() => sleep(2));
    await bus.consumer({ durable: 'audit', batchSize: 5 }).start(first);
    await bus.consumer({ durable: 'audit', batchSize: 5 }).start(second);
    const events = Array.from({ length: 60 }, (_, i) => envelope(i));

    await publishAll(bus, events);

    const handled = [...first.calls.flat(), ...second.calls.flat()];
    expect(handled.sort()).toEqual(events.map((e) => e.id).sort());
    expect(first.calls.length).toBeGreaterThan(0);
    expect(second.calls.length).toBeGreaterThan(0);
  });

  it('retries a failing event alone with the backoff, dead-letters it after maxDeliver attempts, and still resolves its publish', async () => {
    const events = Array.from({ length: 20 }, (_, i) => envelope(i));
    const poison = events[7];
    const attempts: number[] = [];
    const handled = new Set<string>();
    const handler = recorder(async (batch) => {
      if (batch.some((e) => e.id === poison.id)) {
        attempts.push(Date.now());
        throw new Error(`cannot handle\n${poison.id}`);
      }
      await sleep(1);
      batch.forEach((e) => handled.add(e.id));
    });
    const errors: Array<{ error: unknown; event?: EventEnvelope }> = [];
    await bus.consumer({ durable: 'audit', maxDeliver: 3, backoffMs: [30, 60], onError: (error, event) => errors.push({ error, event }) }).start(handler);
    const other = recorder();
    await bus.consumer({ durable: 'trigger' }).start(other);

    await publishAll(bus, events);

    expect([...handled].sort()).toEqual(events.filter((e) => e !== poison).map((e) => e.id).sort());
    expect(other.calls.flat()).toHaveLength(20);
    // Three deliveries; the first may have been a batch and its event-by-event retry (both attempt 1).
    const alone = handler.calls.filter((c) => c.length === 1 && c[0] === poison.id);
    expect(alone.length).toBeGreaterThanOrEqual(3);
    expect(alone.length).toBeLessThanOrEqual(4);
    const last = attempts.slice(-3);
    expect(last[1] - last[0]).toBeGreaterThanOrEqual(25);
    expect(last[2] - last[1]).toBeGreaterThanOrEqual(55);

    const dead = bus.deadLetters('audit');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ durable: 'audit', subject: eventSubject('test.thing'), deliveries: 3 });
    expect(JSON.parse(dead[0].payload).id).toBe(poison.id);
    expect(dead[0].error).toContain('cannot handle');
    expect(dead[0].error).not.toContain('\n');
    expect(bus.deadLetters('trigger')).toHaveLength(0);
    const reported = errors.filter((e) => e.error instanceof DeadLetteredError);
    expect(reported).toHaveLength(1);
    expect(reported[0].event?.id).toBe(poison.id);
    expect(errors.filter((e) => e.event?.id === poison.id && !(e.error instanceof DeadLetteredError))).toHaveLength(3);
  });

  it('dead-letters a payload that is not an event envelope at once', async () => {
    const handler = recorder();
    const errors: unknown[] = [];
    await bus.consumer({ durable: 'audit', onError: (error) => errors.push(error) }).start(handler);

    await bus.publish(eventSubject('test.thing'), '{"id":"not-a-uuid"}', 'x');

    expect(handler.calls).toHaveLength(0);
    expect(bus.deadLetters()).toEqual([expect.objectContaining({ durable: 'audit', deliveries: 0, payload: '{"id":"not-a-uuid"}' })]);
    expect(errors[0]).toBeInstanceOf(DeadLetteredError);
  });

  it('does not deliver to a kind what was published before it started', async () => {
    const early = envelope(0);
    await publishAll(bus, [early]);
    const handler = recorder();
    await bus.consumer({ durable: 'audit' }).start(handler);
    const late = envelope(1);
    await publishAll(bus, [late]);
    expect(handler.calls).toEqual([[late.id]]);
  });

  it('rejects the publishes still pending when the last replica of a kind stops, after finishing the batch in hand', async () => {
    let release!: () => void;
    const busy = new Promise<void>((r) => (release = r));
    const handled: string[] = [];
    const consumer = bus.consumer({ durable: 'audit', batchSize: 1 });
    await consumer.start({
      async handle(events) {
        await busy;
        handled.push(...events.map((e) => e.id));
      },
    });
    const [first, second] = [envelope(0), envelope(1)];
    const published = [first, second].map((e) => bus.publish(eventSubject(e.type), JSON.stringify(e), e.id));
    await sleep(5);

    const stopped = consumer.stop();
    release();
    await stopped;

    await expect(published[0]).resolves.toBeUndefined();
    await expect(published[1]).rejects.toThrow(/stopped before it handled/);
    expect(handled).toEqual([first.id]);
  });
});
