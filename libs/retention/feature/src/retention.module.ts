import { Controller, DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { GarbageRpc, RequestOf, RetentionRpc, type RpcClient } from '@swr/contracts';
import { openDatabase, PostgresOutbox } from '@swr/db';
import type { JobQueue, JobScheduler } from '@swr/jobs';
import { EventConsumer, EventPublisher, Handles, OutboxRelay, runInCall } from '@swr/messaging';
import { PolicyRecord, RetentionPolicies } from '@swr/retention-core';
import { MetadataTagCatalog, PostgresRetentionStore, RETENTION_MIGRATIONS, RETENTION_SCHEMA } from '@swr/retention-infra';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A policy to apply, queued when it is set or changed, or run now through the API. */
export interface RetentionJob {
  readonly repository: string;
  readonly id: number;
}

export interface RetentionModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Requests to the metadata service (tags, garbage collection); closed at shutdown. */
  readonly rpc: RpcClient;
  /** This worker's share of the event stream (durable `retention`): a deleted repository's policy goes with it. */
  readonly events: EventConsumer;
  /** Where the outbox of policy changes goes: the event stream, or standalone's bus. */
  readonly publisher: EventPublisher;
  readonly jobs: JobQueue<RetentionJob>;
  /** Two schedulers: a scheduler runs its jobs one at a time, and neither run should wait for the other. */
  readonly schedules: { readonly retention: JobScheduler; readonly garbage: JobScheduler };
  readonly retentionEveryMs: number;
  readonly gcEveryMs: number;
}

type Req<K extends keyof typeof RetentionRpc> = RequestOf<(typeof RetentionRpc)[K]>;

const RETENTION_DATABASE = Symbol('RetentionDatabase');
const RETENTION_OPTIONS = Symbol('RetentionOptions');
const RETENTION_EVENT_RELAY = Symbol('RetentionEventRelay');
/** How often a scheduled collection's progress is read while the job waits for it. */
const GC_POLL_MS = 1_000;

@Controller()
class RetentionRpcController {
  constructor(@Inject(RetentionPolicies) private readonly policies: RetentionPolicies) {}

  @Handles(RetentionRpc.create)
  async create(req: Req<'create'>) {
    return { id: await this.policies.create(req.repository, req.accountId, req.rules) };
  }

  @Handles(RetentionRpc.list)
  async list(req: Req<'list'>) {
    return { policies: await this.policies.list(req.repository) };
  }

  @Handles(RetentionRpc.get)
  get(req: Req<'get'>) {
    return this.policies.get(req.repository, req.id);
  }

  @Handles(RetentionRpc.update)
  async update(req: Req<'update'>) {
    await this.policies.update(req.repository, req.id, req.rules);
    return {};
  }

  @Handles(RetentionRpc.delete)
  async delete(req: Req<'delete'>) {
    await this.policies.remove(req.repository, req.id);
    return {};
  }

  @Handles(RetentionRpc.histories)
  histories(req: Req<'histories'>) {
    return this.policies.histories(req.repository, req.limit, req.offset);
  }

  @Handles(RetentionRpc.dryRun)
  async dryRun(req: Req<'dryRun'>) {
    return { removals: await this.policies.run(req.repository, req.id, true) };
  }

  @Handles(RetentionRpc.execute)
  async execute(req: Req<'execute'>) {
    await this.policies.execute(req.repository, req.id);
    return {};
  }

  @Handles(RetentionRpc.forgetRepository)
  async forgetRepository(req: Req<'forgetRepository'>) {
    await this.policies.forgetRepository(req.repository);
    return {};
  }
}

/**
 * Applies policies from the job queue, schedules the daily run and the hourly garbage collection,
 * and forgets the policies of deleted repositories from the event stream.
 */
@Injectable()
class RetentionLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');

  constructor(
    @Inject(RETENTION_DATABASE) private readonly db: DataSource,
    @Inject(RETENTION_OPTIONS) private readonly options: RetentionModuleOptions,
    @Inject(RetentionPolicies) private readonly policies: RetentionPolicies,
    @Inject(RETENTION_EVENT_RELAY) private readonly relay: OutboxRelay,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  async onModuleInit(): Promise<void> {
    const { events, jobs, schedules } = this.options;
    await events.start({
      handle: async (batch) => {
        for (const event of batch) if (event.type === 'repository.deleted') await this.policies.forgetRepository(String(event.data.repository));
      },
    });
    jobs.process(async (job) => {
      const removed = await this.policies.run(job.data.repository, job.data.id, false);
      if (removed.length) this.logger.log(`retention policy ${job.data.id} removed ${removed.length} tags of ${job.data.repository}`);
    });
    await schedules.retention.schedule({
      name: 'retention-policies',
      everyMs: this.options.retentionEveryMs,
      run: async () => void (await this.policies.runAll((repository, error) => this.logger.warn(`retention of ${repository}: ${String(error)}`))),
    });
    await schedules.garbage.schedule({ name: 'garbage-collection', everyMs: this.options.gcEveryMs, run: () => this.collectGarbage() });
  }

  /** Starts a collection in the metadata service and holds the job until it has finished, so that runs never overlap. */
  private async collectGarbage(): Promise<void> {
    const run = await this.options.rpc.call(GarbageRpc.run, { trigger: 'schedule', dryRun: false });
    for (let current = run; current.status === 'running'; ) {
      await new Promise((r) => setTimeout(r, GC_POLL_MS));
      current = (await this.options.rpc.call(GarbageRpc.get, { id: run.id })) ?? { ...current, status: 'failed' };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.events.stop();
    await this.options.jobs.close();
    await Promise.all([this.options.schedules.retention.close(), this.options.schedules.garbage.close()]);
    await this.options.rpc.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** A deleting run acts as the system on behalf of its policy: the trail records a SystemAction naming it, in the owner's account. */
function actingFor<T>(policy: PolicyRecord, work: () => Promise<T>): Promise<T> {
  return runInCall({ requestId: randomUUID(), actor: { accountId: policy.accountId, userName: `retention-policy-${policy.id}` } }, work);
}

/** The retention bounded context: repositories' retention policies, their history, and the schedules of retention and garbage collection. */
@Module({})
export class RetentionModule {
  static forRoot(options: RetentionModuleOptions): DynamicModule {
    return {
      module: RetentionModule,
      controllers: [RetentionRpcController],
      providers: [
        { provide: RETENTION_OPTIONS, useValue: options },
        {
          provide: RETENTION_DATABASE,
          useFactory: () => openDatabase({ url: options.databaseUrl, schema: RETENTION_SCHEMA, migrations: RETENTION_MIGRATIONS, poolSize: options.poolSize }),
        },
        {
          provide: RETENTION_EVENT_RELAY,
          useFactory: (db: DataSource) =>
            new OutboxRelay(new PostgresOutbox(db, RETENTION_SCHEMA), options.publisher, { onError: (error) => new Logger('Retention').warn(`event relay: ${String(error)}`) }),
          inject: [RETENTION_DATABASE],
        },
        {
          provide: RetentionPolicies,
          useFactory: (db: DataSource) =>
            new RetentionPolicies(
              new PostgresRetentionStore(db),
              new MetadataTagCatalog(options.rpc),
              { enqueue: async (repository, id) => void (await options.jobs.add(`${repository}#${id}#${randomUUID()}`, { repository, id })) },
              () => new Date(),
              actingFor,
            ),
          inject: [RETENTION_DATABASE],
        },
        RetentionLifecycle,
      ],
    };
  }
}
