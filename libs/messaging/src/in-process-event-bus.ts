import { assertConsumerName, EventEnvelope, eventEnvelope } from '@swr/contracts';
import { backoffDelay, ConsumerSettings, consumerDefaults, DeadLetteredError, describeError, EventConsumer, EventHandler } from './event-consumer';
import type { EventPublisher } from './event-publisher';

/** An event a worker kind gave up on, kept in memory (the newest {@link DEAD_LETTERS_KEPT}). */
export interface DeadLetter {
  readonly durable: string;
  readonly subject: string;
  readonly payload: string;
  readonly error: string;
  readonly deliveries: number;
  readonly at: Date;
}

export const DEAD_LETTERS_KEPT = 1_000;

/** One event on its way to one kind: settles the kind's share of a publish. */
interface Pending {
  readonly subject: string;
  readonly payload: string;
  readonly event: EventEnvelope;
  deliveries: number;
  retry?: NodeJS.Timeout;
  readonly done: () => void;
  readonly fail: (error: Error) => void;
}

/** A worker kind: its queue, shared by its members (replicas) as a durable consumer is. */
interface Kind {
  readonly durable: string;
  readonly queue: Pending[];
  /** Waiting out a backoff. */
  readonly retrying: Set<Pending>;
  readonly members: Set<Member>;
}

type Resolved = ReturnType<typeof consumerDefaults>;

/** What a member needs from its bus. */
interface Membership {
  join(member: Member): Kind;
  leave(member: Member, kind: Kind): void;
  failed(kind: Kind, settings: Resolved, pending: Pending, error: unknown): void;
}

/**
 * Domain events inside one process (standalone mode), with the delivery rules of the JetStream
 * consumer: each kind (durable) gets each event once, shared among its members; batches; a failed
 * batch is retried event by event; a failing event is retried with the backoff and dead-lettered
 * (kept here, reported through `onError`) after `maxDeliver` attempts.
 *
 * Nothing is stored: `publish` resolves only once every kind started at that moment has handled the
 * event or dead-lettered it, so the outbox row (removed only after `publish` resolves) is the durable
 * copy, and a crash before then publishes it again. `publish` does not reject for a failing handler
 * (a dead letter settles it, so one poison event cannot hold the outbox forever); it rejects when a
 * kind stops with the event still pending, so the relay publishes it again later.
 *
 * A kind gets only what is published after its first member started: start the workers before the
 * relay. Queues hold only what publishes in flight hold, which the relay bounds by its batch size.
 */
export class InProcessEventBus implements EventPublisher {
  private readonly kinds = new Map<string, Kind>();
  private readonly dead: DeadLetter[] = [];

  /** A member of the kind `settings.durable`; it takes events once started. */
  consumer(settings: ConsumerSettings): EventConsumer {
    assertConsumerName(settings.durable);
    const membership: Membership = {
      join: (member) => this.join(member),
      leave: (member, kind) => this.leave(member, kind),
      failed: (kind, resolved, pending, error) => this.failed(kind, resolved, pending, error),
    };
    return new Member(membership, consumerDefaults(settings));
  }

  async publish(subject: string, payload: string, _id: string): Promise<void> {
    const kinds = [...this.kinds.values()].filter((kind) => kind.members.size > 0);
    let event: EventEnvelope | undefined;
    let invalid: unknown;
    try {
      event = eventEnvelope.parse(JSON.parse(payload));
    } catch (error) {
      invalid = new Error(`not an event envelope: ${describeError(error)}`);
    }
    const shares = kinds.map((kind) => {
      if (!event) {
        const member = kind.members.values().next().value as Member;
        this.deadLetter(kind, member.settings, subject, payload, 0, invalid);
        return undefined;
      }
      return new Promise<void>((done, fail) => {
        // Each kind gets its own copy, as over the wire.
        kind.queue.push({ subject, payload, event: structuredClone(event), deliveries: 0, done, fail });
        this.wake(kind);
      });
    });
    await Promise.all(shares);
  }

  /** The dead letters so far, oldest first. */
  deadLetters(durable?: string): readonly DeadLetter[] {
    return durable === undefined ? [...this.dead] : this.dead.filter((d) => d.durable === durable);
  }

  async close(): Promise<void> {
    const members = [...this.kinds.values()].flatMap((kind) => [...kind.members]);
    await Promise.all(members.map((member) => member.stop()));
  }

  private join(member: Member): Kind {
    let kind = this.kinds.get(member.settings.durable);
    if (!kind) {
      kind = { durable: member.settings.durable, queue: [], retrying: new Set(), members: new Set() };
      this.kinds.set(kind.durable, kind);
    }
    kind.members.add(member);
    return kind;
  }

  /** When the last member leaves, what the kind still holds fails back to its publishers. */
  private leave(member: Member, kind: Kind): void {
    kind.members.delete(member);
    if (kind.members.size) {
      this.wake(kind);
      return;
    }
    const left = [...kind.queue.splice(0), ...kind.retrying];
    kind.retrying.clear();
    for (const pending of left) {
      clearTimeout(pending.retry);
      pending.fail(new Error(`the ${kind.durable} consumer stopped before it handled event ${pending.event.id}`));
    }
  }

  /** After a failed attempt: another after the backoff, or a dead letter once `maxDeliver` attempts failed. */
  private failed(kind: Kind, settings: Resolved, pending: Pending, error: unknown): void {
    report(settings, error, pending.event);
    if (pending.deliveries >= settings.maxDeliver) {
      this.deadLetter(kind, settings, pending.subject, pending.payload, pending.deliveries, error, pending.event);
      pending.done();
      return;
    }
    kind.retrying.add(pending);
    pending.retry = setTimeout(() => {
      kind.retrying.delete(pending);
      kind.queue.push(pending);
      this.wake(kind);
    }, backoffDelay(settings.backoffMs, pending.deliveries));
  }

  private deadLetter(kind: Kind, settings: Resolved, subject: string, payload: string, deliveries: number, reason: unknown, event?: EventEnvelope): void {
    this.dead.push({ durable: kind.durable, subject, payload, error: describeError(reason), deliveries, at: new Date() });
    if (this.dead.length > DEAD_LETTERS_KEPT) this.dead.splice(0, this.dead.length - DEAD_LETTERS_KEPT);
    report(settings, new DeadLetteredError(kind.durable, deliveries, reason), event);
  }

  private wake(kind: Kind): void {
    for (const member of kind.members) member.wake();
  }
}

class Member implements EventConsumer {
  private kind?: Kind;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly bus: Membership,
    readonly settings: Resolved,
  ) {}

  async start(handler: EventHandler): Promise<void> {
    if (this.kind) throw new Error(`the ${this.settings.durable} consumer was started already`);
    this.kind = this.bus.join(this);
    this.running = true;
    this.loop = this.run(this.kind, handler);
  }

  async stop(): Promise<void> {
    if (!this.running || !this.kind) return this.loop;
    this.running = false;
    this.wake();
    await this.loop;
    this.bus.leave(this, this.kind);
  }

  wake(): void {
    this.wakeUp?.();
  }

  private async run(kind: Kind, handler: EventHandler): Promise<void> {
    while (this.running) {
      if (!kind.queue.length) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        this.wakeUp = undefined;
        continue;
      }
      // Publishes that came in while the handler was busy are handled together.
      const batch = kind.queue.splice(0, this.settings.batchSize);
      await this.handle(kind, handler, batch);
    }
  }

  private async handle(kind: Kind, handler: EventHandler, batch: Pending[]): Promise<void> {
    for (const pending of batch) pending.deliveries++;
    try {
      await handler.handle(batch.map((p) => p.event));
      batch.forEach((p) => p.done());
      return;
    } catch (error) {
      if (batch.length === 1) return this.bus.failed(kind, this.settings, batch[0], error);
      report(this.settings, error);
    }
    for (const pending of batch) {
      try {
        await handler.handle([pending.event]);
      } catch (error) {
        this.bus.failed(kind, this.settings, pending, error);
        continue;
      }
      pending.done();
    }
  }
}

function report(settings: Resolved, error: unknown, event?: EventEnvelope): void {
  try {
    settings.onError?.(error, event);
  } catch {
    // A reporter that fails must not stop delivery.
  }
}
