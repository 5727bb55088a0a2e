import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '@swr/contracts';
import { connect, JetStreamClient, JetStreamManager, NatsConnection, nanos, StorageType, StreamConfig } from 'nats';

/** Publishes one event; resolves once the event is stored where consumers will find it. */
export interface EventPublisher {
  publish(subject: string, payload: string, id: string): Promise<void>;
  close(): Promise<void>;
}

/** The event stream's bounds. */
export interface EventStreamLimits {
  /** How long the stream keeps events (default 7 days). */
  readonly maxAgeSeconds?: number;
  /** How many bytes it keeps at most (default 1 GiB). */
  readonly maxBytes?: number;
}

export interface EventStreamSettings extends EventStreamLimits {
  readonly servers: string | string[];
}

/** Within this window JetStream drops a message whose id it has already stored. */
export const DUPLICATE_WINDOW_SECONDS = 120;

/**
 * Creates a stream, or with `update` brings an existing one to `config`. Replicas starting together
 * may both add it: JetStream accepts the same configuration twice.
 */
export async function ensureStream(manager: JetStreamManager, config: Partial<StreamConfig> & { name: string }, update: boolean): Promise<void> {
  try {
    await manager.streams.info(config.name);
  } catch {
    await manager.streams.add(config);
    return;
  }
  if (update) await manager.streams.update(config.name, config);
}

/**
 * The JetStream stream of domain events (`swr.events.>`, file storage, bounded by age and size). The
 * publisher owns its bounds (`update`, the default, applies them to an existing stream); a consumer
 * only creates it when it is missing, so that its defaults never override the publisher's.
 */
export async function ensureEventStream(manager: JetStreamManager, limits: EventStreamLimits = {}, update = true): Promise<void> {
  await ensureStream(
    manager,
    {
      name: EVENT_STREAM,
      subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
      storage: StorageType.File,
      max_age: nanos((limits.maxAgeSeconds ?? 7 * 86_400) * 1000),
      max_bytes: limits.maxBytes ?? 1024 ** 3,
      duplicate_window: nanos(DUPLICATE_WINDOW_SECONDS * 1000),
    },
    update,
  );
}

/**
 * Publishes to the event stream with the event id as `Nats-Msg-Id`: an event published twice (a
 * relay that crashed before it could record the first publish) is stored once.
 */
export class JetStreamEventPublisher implements EventPublisher {
  private constructor(
    private readonly connection: NatsConnection,
    private readonly jetstream: JetStreamClient,
  ) {}

  static async connect(settings: EventStreamSettings): Promise<JetStreamEventPublisher> {
    // Without async traces a request builds no stack per message: a third of the pipeline's CPU (npm run bench:audit).
    const connection = await connect({ servers: settings.servers, name: 'swr-outbox-relay', reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
    try {
      await ensureEventStream(await connection.jetstreamManager(), settings);
    } catch (error) {
      await connection.close();
      throw error;
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
