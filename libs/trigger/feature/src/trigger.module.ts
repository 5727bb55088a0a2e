import { Controller, DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SecretBox } from '@swr/auth';
import { NewTrigger, TriggerRpc } from '@swr/contracts';
import { openDatabase, PostgresOutbox } from '@swr/db';
import { JobQueue, RetryLater } from '@swr/jobs';
import { EventConsumer, EventPublisher, Handles, OutboxRelay } from '@swr/messaging';
import { AddressPolicy, DeliveryJob, DeliveryRunner, TriggerDispatcher, Triggers } from '@swr/trigger-core';
import { HttpWebhookSender, PostgresTriggerStore, TRIGGER_MIGRATIONS, TRIGGER_SCHEMA } from '@swr/trigger-infra';
import type { DataSource } from 'typeorm';

export interface TriggerModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** This worker's share of the event stream (durable `trigger`), over JetStream or standalone's bus. */
  readonly events: EventConsumer;
  /** Where the outbox of trigger changes goes: the same stream, or the same bus. */
  readonly publisher: EventPublisher;
  /** Where deliveries wait for their attempts: BullMQ in distributed mode, in-process in standalone. */
  readonly deliveries: JobQueue<DeliveryJob>;
  /** Which addresses webhooks may reach. */
  readonly addresses: AddressPolicy;
  /** `host[:port]` that clients pull from, for the deliveries' pull address. */
  readonly registryHost: string;
  /** `SWR_ENCRYPTION_KEY`: seals webhook secrets at rest. */
  readonly encryptionKey: Buffer;
}

const TRIGGER_DATABASE = Symbol('TriggerDatabase');
const TRIGGER_OPTIONS = Symbol('TriggerOptions');
const TRIGGER_EVENT_RELAY = Symbol('TriggerEventRelay');

@Controller()
class TriggerRpcController {
  constructor(
    @Inject(Triggers) private readonly triggers: Triggers,
    @Inject(DeliveryRunner) private readonly runner: DeliveryRunner,
  ) {}

  @Handles(TriggerRpc.create)
  create(request: NewTrigger) {
    return this.triggers.create(request);
  }

  @Handles(TriggerRpc.list)
  async list(request: { repository: string }) {
    return { triggers: await this.triggers.list(request.repository) };
  }

  @Handles(TriggerRpc.get)
  get(request: { repository: string; name: string }) {
    return this.triggers.get(request.repository, request.name);
  }

  @Handles(TriggerRpc.update)
  update(request: { repository: string; name: string; enabled: boolean }) {
    return this.triggers.setEnabled(request.repository, request.name, request.enabled);
  }

  @Handles(TriggerRpc.delete)
  async delete(request: { repository: string; name: string }) {
    await this.triggers.remove(request.repository, request.name);
    return {};
  }

  @Handles(TriggerRpc.redeliver)
  async redeliver(request: { repository: string; name: string; deliveryId: string }) {
    await this.runner.redeliver(this.triggers, request.repository, request.name, request.deliveryId);
    return {};
  }
}

/**
 * Consumes image events into deliveries and attempts them, and relays the outbox of trigger
 * changes once every module is up; on shutdown the relay stops first, then the rest.
 */
@Injectable()
class TriggerLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(TRIGGER_DATABASE) private readonly db: DataSource,
    @Inject(TRIGGER_EVENT_RELAY) private readonly relay: OutboxRelay,
    @Inject(TRIGGER_OPTIONS) private readonly options: TriggerModuleOptions,
    @Inject(TriggerDispatcher) private readonly dispatcher: TriggerDispatcher,
    @Inject(DeliveryRunner) private readonly runner: DeliveryRunner,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.options.events.start({ handle: (events) => this.dispatcher.handle(events) });
    this.options.deliveries.process(async (job) => {
      const next = await this.runner.attempt(job.data, job.attempt, job.attempts);
      if (next.again) throw new RetryLater(`delivery ${job.data.delivery.id} attempt ${job.attempt} failed`, next.afterMs);
    });
    const resumed = await this.runner.resume();
    if (resumed) new Logger('Triggers').log(`resumed ${resumed} unfinished deliveries`);
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.events.stop();
    await this.options.deliveries.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** The trigger bounded context: repositories' triggers, and the webhook deliveries they make. */
@Module({})
export class TriggerModule {
  static forRoot(options: TriggerModuleOptions): DynamicModule {
    const logger = new Logger('Triggers');
    return {
      module: TriggerModule,
      controllers: [TriggerRpcController],
      providers: [
        { provide: TRIGGER_OPTIONS, useValue: options },
        { provide: TRIGGER_DATABASE, useFactory: () => openDatabase({ url: options.databaseUrl, schema: TRIGGER_SCHEMA, migrations: TRIGGER_MIGRATIONS, poolSize: options.poolSize }) },
        {
          provide: TRIGGER_EVENT_RELAY,
          useFactory: (db: DataSource) =>
            new OutboxRelay(new PostgresOutbox(db, TRIGGER_SCHEMA), options.publisher, { onError: (error) => logger.warn(`event relay: ${String(error)}`) }),
          inject: [TRIGGER_DATABASE],
        },
        { provide: PostgresTriggerStore, useFactory: (db: DataSource) => new PostgresTriggerStore(db, new SecretBox(options.encryptionKey)), inject: [TRIGGER_DATABASE] },
        { provide: HttpWebhookSender, useValue: new HttpWebhookSender(options.addresses) },
        { provide: Triggers, useFactory: (store: PostgresTriggerStore, sender: HttpWebhookSender) => new Triggers(store, sender), inject: [PostgresTriggerStore, HttpWebhookSender] },
        {
          provide: DeliveryRunner,
          useFactory: (store: PostgresTriggerStore, sender: HttpWebhookSender) => new DeliveryRunner(store, sender, { add: (key, job) => options.deliveries.add(key, job) }),
          inject: [PostgresTriggerStore, HttpWebhookSender],
        },
        {
          provide: TriggerDispatcher,
          useFactory: (store: PostgresTriggerStore) => {
            logger.log(`deliveries name images as ${options.registryHost}/<repository>:<tag>`);
            return new TriggerDispatcher(store, { add: (key, job) => options.deliveries.add(key, job) }, options.registryHost);
          },
          inject: [PostgresTriggerStore],
        },
        TriggerLifecycle,
      ],
    };
  }
}
