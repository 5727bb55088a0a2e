import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '@swr/contracts';
import { connect, JetStreamClient, NatsConnection, nanos, StorageType } from 'nats';

/** Publishes one event; resolves once the event is stored where consumers will find it. */
export interface EventPublisher {
  publish(subject: string, payload: string, id: string): Promise<void>;
  close(): Promise<void>;
}

export interface EventStreamSettings {
  readonly servers: string | string[];
  /** How long the stream keeps events (default 7 days). */
  readonly maxAgeSeconds?: number;
  /** How many bytes it keeps at most (default 1 GiB). */
  readonly maxBytes?: number;
}

/** Within this window JetStream drops a message whose id it has already stored. */
const DUPLICATE_WINDOW_SECONDS = 120;

/**
 * The JetStream stream of domain events (`swr.events.>`, file storage, bounded by age and size),
 * with the event id as `Nats-Msg-Id`: an event published twice (a relay that crashed before it
 * could record the first publish) is stored once.
 */
export class JetStreamEventPublisher implements EventPublisher {
  private constructor(
    private readonly connection: NatsConnection,
    private readonly jetstream: JetStreamClient,
  ) {}

  static async connect(settings: EventStreamSettings): Promise<JetStreamEventPublisher> {
    const connection = await connect({ servers: settings.servers, name: 'swr-outbox-relay', reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const manager = await connection.jetstreamManager();
    const config = {
      name: EVENT_STREAM,
      subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
      storage: StorageType.File,
      max_age: nanos((settings.maxAgeSeconds ?? 7 * 86_400) * 1000),
      max_bytes: settings.maxBytes ?? 1024 ** 3,
      duplicate_window: nanos(DUPLICATE_WINDOW_SECONDS * 1000),
    };
    try {
      await manager.streams.info(EVENT_STREAM);
      await manager.streams.update(EVENT_STREAM, config);
    } catch {
      await manager.streams.add(config);
    }
    return new JetStreamEventPublisher(connection, connection.jetstream());
  }

  async publish(subject: string, payload: string, id: string): Promise<void> {
    await this.jetstream.publish(subject, Buffer.from(payload), { msgID: id, timeout: 5_000 });
  }

  async close(): Promise<void> {
    await this.connection.drain().catch(() => this.connection.close());
  }
}
