import { Controller, DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { BlobStore } from '@swr/blob-store';
import { RequestOf, SyncRpc, type RpcClient } from '@swr/contracts';
import { openDatabase, PostgresOutbox } from '@swr/db';
import type { JobQueue } from '@swr/jobs';
import { EventConsumer, EventPublisher, Handles, OutboxRelay } from '@swr/messaging';
import { ImageCopier, ImageSync } from '@swr/sync-core';
import { HttpRemoteRegistries, MetadataSource, PostgresSyncStore, SYNC_MIGRATIONS, SYNC_SCHEMA } from '@swr/sync-infra';
import type { DataSource } from 'typeorm';

/** One job of the queue: a sync job's record id. */
export interface SyncQueueJob {
  readonly id: number;
}

export interface SyncModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Requests to the metadata service (manifests, referrers); closed at shutdown. */
  readonly rpc: RpcClient;
  /** Where blob bytes are read from: the same store the gateways write. */
  readonly blobStore: BlobStore;
  /** This worker's share of the event stream (durable `sync`): pushes to copy, deleted repositories to forget. */
  readonly events: EventConsumer;
  /** Where the outbox of rule changes and job ends goes: the event stream, or standalone's bus. */
  readonly publisher: EventPublisher;
  readonly jobs: JobQueue<SyncQueueJob>;
  readonly regions: ReadonlyMap<string, string>;
  readonly peerKey?: Buffer;
  readonly jobTimeoutMs: number;
  readonly chunkBytes: number;
  readonly parallelBlobs: number;
}

type Req<K extends keyof typeof SyncRpc> = RequestOf<(typeof SyncRpc)[K]>;

const SYNC_DATABASE = Symbol('SyncDatabase');
const SYNC_OPTIONS = Symbol('SyncOptions');
const SYNC_EVENT_RELAY = Symbol('SyncEventRelay');
const PROGRESS_EVERY_MS = 1_000;

@Controller()
class SyncRpcController {
  constructor(@Inject(ImageSync) private readonly sync: ImageSync) {}

  @Handles(SyncRpc.regions)
  regions() {
    return { regions: this.sync.regions() };
  }

  @Handles(SyncRpc.ruleCreate)
  async ruleCreate(req: Req<'ruleCreate'>) {
    const target = { remoteRegionId: req.remoteRegionId, remoteNamespace: req.remoteNamespace };
    return { id: await this.sync.createRule(req.repository, req.requester, target, { syncAuto: req.syncAuto, override: req.override }) };
  }

  @Handles(SyncRpc.ruleDelete)
  async ruleDelete(req: Req<'ruleDelete'>) {
    await this.sync.deleteRule(req.repository, { remoteRegionId: req.remoteRegionId, remoteNamespace: req.remoteNamespace });
    return {};
  }

  @Handles(SyncRpc.ruleList)
  async ruleList(req: Req<'ruleList'>) {
    return { rules: await this.sync.listRules(req.repository, req.accountId) };
  }

  @Handles(SyncRpc.manual)
  async manual(req: Req<'manual'>) {
    const target = { remoteRegionId: req.remoteRegionId, remoteNamespace: req.remoteNamespace };
    return { failed: await this.sync.syncTags(req.repository, req.requester, target, req.tags, req.override) };
  }

  @Handles(SyncRpc.jobList)
  jobList(req: Req<'jobList'>) {
    return this.sync.listJobs(req.repository, req.accountId, { limit: req.limit, offset: req.offset, order: req.order });
  }
}

/** Copies tags from the job queue, turns pushes into jobs and forgets deleted repositories' rules from the event stream. */
@Injectable()
class SyncLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Sync');

  constructor(
    @Inject(SYNC_DATABASE) private readonly db: DataSource,
    @Inject(SYNC_OPTIONS) private readonly options: SyncModuleOptions,
    @Inject(ImageSync) private readonly sync: ImageSync,
    @Inject(SYNC_EVENT_RELAY) private readonly relay: OutboxRelay,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  async onModuleInit(): Promise<void> {
    await this.options.events.start({
      handle: async (batch) => {
        for (const event of batch) {
          if (event.type === 'image.pushed') await this.sync.onPushed(event.id, new Date(event.time), String(event.data.repository), event.data.tag as string | undefined);
          else if (event.type === 'repository.deleted') await this.sync.forgetRepository(String(event.data.repository));
        }
      },
    });
    this.options.jobs.process(async (job) => {
      if ((await this.sync.run(job.data.id, job.attempt >= job.attempts)) === 'retry') {
        this.logger.warn(`sync job ${job.data.id}: try ${job.attempt} of ${job.attempts} failed, it will be tried again`);
        throw new Error(`sync job ${job.data.id} will be tried again`);
      }
    });
    const requeued = await this.sync.requeueUnfinished();
    if (requeued) this.logger.log(`${requeued} unfinished sync jobs queued again`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.events.stop();
    // Copies under way end now; their jobs go back to the queue and resume from the remote's offsets.
    this.sync.stop();
    await this.options.jobs.close();
    await this.options.rpc.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** The sync bounded context: auto-sync rules, manual syncs and the jobs that copy tags to other regions. */
@Module({})
export class SyncModule {
  static forRoot(options: SyncModuleOptions): DynamicModule {
    return {
      module: SyncModule,
      controllers: [SyncRpcController],
      providers: [
        { provide: SYNC_OPTIONS, useValue: options },
        {
          provide: SYNC_DATABASE,
          useFactory: () => openDatabase({ url: options.databaseUrl, schema: SYNC_SCHEMA, migrations: SYNC_MIGRATIONS, poolSize: options.poolSize }),
        },
        {
          provide: SYNC_EVENT_RELAY,
          useFactory: (db: DataSource) =>
            new OutboxRelay(new PostgresOutbox(db, SYNC_SCHEMA), options.publisher, { onError: (error) => new Logger('Sync').warn(`event relay: ${String(error)}`) }),
          inject: [SYNC_DATABASE],
        },
        {
          provide: ImageSync,
          useFactory: (db: DataSource) => {
            const store = new PostgresSyncStore(db);
            const source = new MetadataSource(options.rpc, options.blobStore);
            const copier = new ImageCopier(source, new HttpRemoteRegistries(options.peerKey), store, { chunkBytes: options.chunkBytes, parallelBlobs: options.parallelBlobs });
            return new ImageSync(store, source, copier, { enqueue: async (id) => void (await options.jobs.add(`sync-${id}`, { id })) }, {
              regions: options.regions,
              jobTimeoutMs: options.jobTimeoutMs,
              progressEveryMs: PROGRESS_EVERY_MS,
            });
          },
          inject: [SYNC_DATABASE],
        },
        SyncLifecycle,
      ],
    };
  }
}
