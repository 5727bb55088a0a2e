import { assertConsumerName, DEAD_LETTER_HEADERS, DEAD_LETTER_STREAM, DEAD_LETTER_SUBJECT_PREFIX, deadLetterSubject, EVENT_STREAM, EventEnvelope, eventEnvelope } from '@swr/contracts';
import { AckPolicy, connect, Consumer, ConsumerConfig, ConsumerMessages, DeliverPolicy, Events, headers, JetStreamClient, JsMsg, NatsConnection, nanos, StorageType } from 'nats';
import { backoffDelay, ConsumerObserver, ConsumerSettings, consumerDefaults, DeadLetteredError, describeError, EventConsumer, EventHandler } from './event-consumer';
import { DUPLICATE_WINDOW_SECONDS, ensureEventStream, ensureStream } from './event-publisher';

export interface JetStreamConsumerSettings extends ConsumerSettings {
  readonly servers: string | string[];
  /**
   * How long the server waits for an event's outcome before it offers the event again (default 30 s).
   * Events being handled are kept alive meanwhile; only a replica that went away lets it run out.
   */
  readonly ackWaitMs?: number;
  readonly observer?: ConsumerObserver;
}

/** How long one pull request waits for events; an idle consumer asks again this often. */
const FETCH_EXPIRES_MS = 5_000;
/** How long a stopping consumer still listens on its pull, to give back what was on its way. */
const STOP_GRACE_MS = 200;
/** How long an acknowledgement waits for the server's confirmation. */
const ACK_TIMEOUT_MS = 5_000;
/** The longest wait between attempts while the stream cannot be reached. */
const MAX_RETRY_MS = 2_000;
/** Dead letters stay 30 days (1 GiB at most, the oldest dropped first). */
const DEAD_LETTER_MAX_AGE_SECONDS = 30 * 86_400;

interface Delivery {
  readonly message: JsMsg;
  readonly event: EventEnvelope;
}

/** Resolves the ones waiting when notified, or after their own timeout. */
class Wakeup {
  private waiters: Array<() => void> = [];

  wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        const at = waiters.indexOf(done);
        if (at >= 0) waiters.splice(at, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  notify(): void {
    for (const done of [...this.waiters]) done();
  }
}

/**
 * A worker kind's durable pull consumer on the event stream. Replicas of a kind share the durable,
 * so the server hands each event to one of them. One loop pulls events into a buffer (at most a batch
 * ahead), another hands the buffer to the handler a batch at a time:
 *
 * - a batch that succeeds is acknowledged with `ackAck` (the server confirms each; the next batch
 *   does not wait for that, `stop` does);
 * - a batch that fails is handled again one event at a time, so one poison event holds up no other;
 *   an event that fails alone is offered again after the backoff for its delivery count and, at
 *   `maxDeliver`, stored on `swr.dead-letters.<durable>` (payload untouched, the reason in headers)
 *   and terminated; so is a payload that is not an event envelope, at once, and an event delivered
 *   more than `maxDeliver` times without an outcome (a replica that crashed on it each time);
 * - events being handled or waiting in the buffer are kept alive (`+WPI`) every third of `ackWaitMs`.
 *
 * The connection reconnects forever. Each pull is a bounded fetch (5 s), so a pull lost with a
 * restarting server is replaced by the next one (at once after a reconnect); failures re-check the
 * stream and the consumer (creating them again if they vanished) with a capped backoff. During an
 * outage handling pauses; acknowledgements the server did not confirm leave their events to be
 * redelivered, which the handler's idempotency absorbs.
 *
 * `stop` stops pulling, lets the batch in hand finish, gives back (`-NAK`) what was pulled but not
 * handled, waits for the acknowledgements' confirmations and closes the connection. A stopped
 * consumer cannot start again: connect a new one.
 */
export class JetStreamEventConsumer implements EventConsumer {
  private readonly durable: string;
  private readonly batchSize: number;
  private readonly maxDeliver: number;
  private readonly backoffMs: readonly number[];
  private readonly ackWaitMs: number;
  private readonly jetstream: JetStreamClient;
  private consumer?: Consumer;
  private fetching?: ConsumerMessages;
  private buffer: JsMsg[] = [];
  /** Delivered to us with no outcome sent yet. */
  private readonly held = new Set<JsMsg>();
  /** Acknowledgements sent, their confirmations awaited. */
  private readonly confirming = new Set<Promise<void>>();
  private readonly arrived = new Wakeup();
  private readonly roomFreed = new Wakeup();
  private readonly retry = new Wakeup();
  private started = false;
  private running = false;
  private reader?: Promise<void>;
  private worker?: Promise<void>;
  private keepAlive?: NodeJS.Timeout;
  private stopped?: Promise<void>;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly settings: JetStreamConsumerSettings,
  ) {
    const resolved = consumerDefaults(settings);
    this.durable = resolved.durable;
    this.batchSize = resolved.batchSize;
    this.maxDeliver = resolved.maxDeliver;
    this.backoffMs = resolved.backoffMs;
    this.ackWaitMs = settings.ackWaitMs ?? 30_000;
    this.jetstream = connection.jetstream();
  }

  /** Connects and makes sure the event stream, the dead-letter stream and the durable consumer exist. */
  static async connect(settings: JetStreamConsumerSettings): Promise<JetStreamEventConsumer> {
    assertConsumerName(settings.durable);
    consumerDefaults(settings);
    // Without async traces a request builds no stack per message: a third of the pipeline's CPU (npm run bench:audit).
    const connection = await connect({ servers: settings.servers, name: `swr-worker-${settings.durable}`, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
    const consumer = new JetStreamEventConsumer(connection, settings);
    try {
      await consumer.setUp();
    } catch (error) {
      await connection.close();
      throw error;
    }
    return consumer;
  }

  async start(handler: EventHandler): Promise<void> {
    if (this.started) throw new Error(`the ${this.durable} consumer was started already`);
    this.started = true;
    this.running = true;
    this.keepAlive = setInterval(() => this.held.forEach((message) => message.working()), Math.max(100, Math.floor(this.ackWaitMs / 3)));
    this.reader = this.read();
    this.worker = this.work(handler);
    void this.watchConnection();
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  /** Events of the stream this kind has yet to handle: not yet delivered, or delivered and awaiting their outcome (all replicas'). */
  async pending(): Promise<number> {
    const info = await (this.consumer ?? (await this.setUp())).info();
    return info.num_pending + info.num_ack_pending;
  }

  private async shutDown(): Promise<void> {
    this.running = false;
    // Events the server is sending on the pull right now would be lost to an unsubscribed inbox until
    // their ack wait ran out: listen a little longer, and give them back too.
    const grace = setTimeout(() => void this.fetching?.close(), STOP_GRACE_MS);
    this.arrived.notify();
    this.roomFreed.notify();
    this.retry.notify();
    await this.worker;
    await this.reader;
    clearTimeout(grace);
    // What was pulled but not handled goes back at once, to another replica or the next start.
    for (const message of this.buffer) this.release(message);
    this.buffer = [];
    clearInterval(this.keepAlive);
    await Promise.all(this.confirming);
    await this.connection.drain().catch(() => this.connection.close());
  }

  private async setUp(): Promise<Consumer> {
    const manager = await this.connection.jetstreamManager();
    await ensureEventStream(manager, {}, false);
    await ensureStream(
      manager,
      {
        name: DEAD_LETTER_STREAM,
        subjects: [`${DEAD_LETTER_SUBJECT_PREFIX}.>`],
        storage: StorageType.File,
        max_age: nanos(DEAD_LETTER_MAX_AGE_SECONDS * 1000),
        max_bytes: 1024 ** 3,
        duplicate_window: nanos(DUPLICATE_WINDOW_SECONDS * 1000),
      },
      false,
    );
    const editable: Partial<ConsumerConfig> = {
      ack_wait: nanos(this.ackWaitMs),
      // Room for every replica's batch in hand, its next one, and events waiting out a backoff.
      max_ack_pending: this.batchSize * 8,
      // Dead-lettering is ours: the server would drop an event silently at its limit.
      max_deliver: -1,
    };
    const existing = await manager.consumers.info(EVENT_STREAM, this.durable).catch(() => undefined);
    if (!existing) {
      await manager.consumers.add(EVENT_STREAM, { durable_name: this.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...editable });
    } else if (Object.entries(editable).some(([key, value]) => existing.config[key as keyof ConsumerConfig] !== value)) {
      await manager.consumers.update(EVENT_STREAM, this.durable, editable);
    }
    this.consumer = await this.jetstream.consumers.get(EVENT_STREAM, this.durable);
    return this.consumer;
  }

  /**
   * A server that restarted forgot the pull waiting on it: after a reconnect, replace it at once
   * rather than when it would have expired.
   */
  private async watchConnection(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === Events.Reconnect) void this.fetching?.close();
    }
  }

  /** Pulls events into the buffer, keeping at most a batch there, until stopped. */
  private async read(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const consumer = this.consumer ?? (await this.setUp());
        const messages = await consumer.fetch({ max_messages: this.batchSize, expires: FETCH_EXPIRES_MS });
        this.fetching = messages;
        for await (const message of messages) {
          if (!this.running) {
            this.release(message);
            continue;
          }
          this.held.add(message);
          this.buffer.push(message);
          this.arrived.notify();
          while (this.running && this.buffer.length >= this.batchSize) await this.roomFreed.wait();
        }
        failures = 0;
      } catch (error) {
        if (!this.running) break;
        this.report(error);
        // The stream or the consumer may be gone (a server that lost its store): check them again.
        this.consumer = undefined;
        failures++;
        await this.retry.wait(Math.min(MAX_RETRY_MS, 50 * 2 ** failures));
      } finally {
        this.fetching = undefined;
      }
    }
  }

  /** Hands the buffer to the handler a batch at a time; finishes the batch in hand when stopped. */
  private async work(handler: EventHandler): Promise<void> {
    while (this.running) {
      if (!this.buffer.length) {
        await this.arrived.wait();
        // Let the rest of what the server sent along reach the buffer, to handle it together.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const batch = this.buffer.splice(0, this.batchSize);
      this.roomFreed.notify();
      await this.handle(handler, batch);
    }
  }

  private async handle(handler: EventHandler, batch: readonly JsMsg[]): Promise<void> {
    const deliveries: Delivery[] = [];
    for (const message of batch) {
      if (message.info.deliveryCount > 1) this.settings.observer?.redelivered();
      let event: EventEnvelope;
      try {
        event = eventEnvelope.parse(JSON.parse(message.string()));
      } catch (error) {
        this.settings.observer?.handled('error', 1);
        await this.deadLetter(message, new Error(`not an event envelope: ${describeError(error)}`));
        continue;
      }
      const count = message.info.deliveryCount;
      if (count > this.maxDeliver) {
        this.settings.observer?.handled('error', 1);
        await this.deadLetter(message, new Error(`delivered ${count} times without an outcome (the handler never finished)`), event);
      } else {
        deliveries.push({ message, event });
      }
    }
    if (!deliveries.length) return;
    try {
      await handler.handle(deliveries.map((d) => d.event));
      this.settings.observer?.handled('ok', deliveries.length);
      this.acknowledge(deliveries);
      return;
    } catch (error) {
      if (deliveries.length === 1) return this.failed(deliveries[0], error);
      this.report(error);
    }
    // Somewhere in the batch is an event the handler cannot take: find it by handling each alone.
    for (const delivery of deliveries) {
      try {
        await handler.handle([delivery.event]);
      } catch (error) {
        await this.failed(delivery, error);
        continue;
      }
      this.settings.observer?.handled('ok', 1);
      this.acknowledge([delivery]);
    }
  }

  /**
   * Acknowledges, asking the server to confirm. The next batch does not wait for the confirmations
   * (an outage would hold it for the whole timeout); `stop` does. An unconfirmed acknowledgement
   * leaves its event to be redelivered, which the handler's idempotency absorbs.
   */
  private acknowledge(deliveries: readonly Delivery[]): void {
    const confirmed = Promise.allSettled(deliveries.map((d) => d.message.ackAck({ timeout: ACK_TIMEOUT_MS }))).then((results) => {
      const unconfirmed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (unconfirmed.length) {
        this.report(new Error(`${unconfirmed.length} of ${deliveries.length} acknowledgements unconfirmed (redelivered later): ${describeError(unconfirmed[0].reason)}`));
      }
    });
    deliveries.forEach((d) => this.held.delete(d.message));
    this.confirming.add(confirmed);
    void confirmed.finally(() => this.confirming.delete(confirmed));
  }

  private async failed(delivery: Delivery, error: unknown): Promise<void> {
    this.settings.observer?.handled('error', 1);
    this.report(error, delivery.event);
    const count = delivery.message.info.deliveryCount;
    if (count >= this.maxDeliver) {
      await this.deadLetter(delivery.message, error, delivery.event);
    } else {
      this.held.delete(delivery.message);
      delivery.message.nak(backoffDelay(this.backoffMs, count));
    }
  }

  /** Stores the original payload on the kind's dead-letter subject, then terminates the event. */
  private async deadLetter(message: JsMsg, reason: unknown, event?: EventEnvelope): Promise<void> {
    const count = message.info.deliveryCount;
    const h = headers();
    h.set(DEAD_LETTER_HEADERS.error, describeError(reason));
    h.set(DEAD_LETTER_HEADERS.originalSubject, message.subject);
    h.set(DEAD_LETTER_HEADERS.originalSequence, String(message.seq));
    h.set(DEAD_LETTER_HEADERS.consumer, this.durable);
    h.set(DEAD_LETTER_HEADERS.deliveries, String(count));
    if (event) h.set(DEAD_LETTER_HEADERS.eventId, event.id);
    this.held.delete(message);
    try {
      await this.jetstream.publish(deadLetterSubject(this.durable), message.data, { headers: h, msgID: `${this.durable}.${event?.id ?? `seq-${message.seq}`}`, timeout: 5_000 });
    } catch (error) {
      // Not stored: the event stays in the stream and comes back to be dead-lettered again.
      this.report(error, event);
      message.nak(backoffDelay(this.backoffMs, this.backoffMs.length));
      return;
    }
    message.term();
    this.report(new DeadLetteredError(this.durable, count, reason), event);
  }

  /** Gives an event back for immediate redelivery. */
  private release(message: JsMsg): void {
    this.held.delete(message);
    message.nak();
  }

  private report(error: unknown, event?: EventEnvelope): void {
    try {
      this.settings.onError?.(error, event);
    } catch {
      // A reporter that fails must not stop consumption.
    }
  }
}
