import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { openDatabase, PostgresOutbox } from '@swr/db';
import { EventPublisher, OutboxRelay } from '@swr/messaging';
import {
  AccountLimits,
  BlobService,
  CollectedStore,
  DEFAULT_GARBAGE_SETTINGS,
  GarbageCollector,
  GarbageService,
  GarbageSettings,
  ManifestService,
  RepositoryService,
  UNLIMITED,
  UploadService,
} from '@swr/metadata-core';
import {
  CachedAccess,
  METADATA_MIGRATIONS,
  METADATA_SCHEMA,
  PostgresBlobLinks,
  PostgresChangeFeed,
  PostgresGarbageIndex,
  PostgresGarbageRuns,
  PostgresManifestIndex,
  PostgresRepositoryCatalog,
  PostgresUploadSessions,
  RepositoryReadCache,
} from '@swr/metadata-infra';
import type { DataSource } from 'typeorm';
import { MetadataRpcController } from './metadata-rpc.controller';
import { RepositoryRpcController } from './repository-rpc.controller';
import { GarbageRpcController } from './garbage-rpc.controller';

export interface MetadataModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Per-account quotas; none when not given. */
  readonly limits?: AccountLimits;
  /** Where the outbox's events go: the JetStream stream, or standalone's in-process bus. */
  readonly events: EventPublisher;
  /** The blob store the gateways write to: garbage collection deletes from it. */
  readonly blobStore: CollectedStore;
  readonly garbage?: GarbageSettings;
}

const METADATA_DATABASE = Symbol('MetadataDatabase');
const METADATA_ACCESS = Symbol('MetadataAccess');
const METADATA_CHANGE_FEED = Symbol('MetadataChangeFeed');
const METADATA_EVENT_RELAY = Symbol('MetadataEventRelay');

/**
 * Starts the change feed that keeps the read cache coherent, and the relay of the event outbox once
 * every module (the consumers of a standalone process included) is up; stops the relay first on
 * shutdown, so that what it has not published stays in the outbox for the next start.
 */
@Injectable()
class MetadataLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(METADATA_DATABASE) private readonly db: DataSource,
    @Inject(METADATA_CHANGE_FEED) private readonly feed: PostgresChangeFeed,
    @Inject(METADATA_EVENT_RELAY) private readonly relay: OutboxRelay,
    @Inject(GarbageService) private readonly garbage: GarbageService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.feed.start();
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.garbage.settle();
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feed.stop();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** The metadata bounded context: Postgres-backed blob links, upload sessions and manifest index behind RPC handlers. */
@Module({})
export class MetadataModule {
  static forRoot(options: MetadataModuleOptions): DynamicModule {
    const cache = new RepositoryReadCache();
    const logger = new Logger('Metadata');
    const limits = options.limits ?? UNLIMITED;
    return {
      module: MetadataModule,
      controllers: [MetadataRpcController, RepositoryRpcController, GarbageRpcController],
      providers: [
        {
          provide: METADATA_DATABASE,
          useFactory: () => openDatabase({ url: options.databaseUrl, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: options.poolSize }),
        },
        { provide: METADATA_ACCESS, useFactory: (db: DataSource) => new CachedAccess(db, cache), inject: [METADATA_DATABASE] },
        { provide: METADATA_CHANGE_FEED, useValue: new PostgresChangeFeed(options.databaseUrl, cache, (message) => logger.warn(message)) },
        {
          provide: METADATA_EVENT_RELAY,
          useFactory: (db: DataSource) =>
            new OutboxRelay(new PostgresOutbox(db, METADATA_SCHEMA), options.events, { onError: (error) => logger.warn(`event relay: ${String(error)}`) }),
          inject: [METADATA_DATABASE],
        },
        MetadataLifecycle,
        { provide: BlobService, useFactory: (access: CachedAccess) => new BlobService(new PostgresBlobLinks(access, limits)), inject: [METADATA_ACCESS] },
        { provide: UploadService, useFactory: (db: DataSource) => new UploadService(new PostgresUploadSessions(db, limits)), inject: [METADATA_DATABASE] },
        { provide: ManifestService, useFactory: (access: CachedAccess) => new ManifestService(new PostgresManifestIndex(access, limits)), inject: [METADATA_ACCESS] },
        {
          provide: GarbageService,
          useFactory: (access: CachedAccess) =>
            new GarbageService(
              new GarbageCollector(new PostgresGarbageIndex(access), options.blobStore),
              new PostgresGarbageRuns(access.db),
              options.garbage ?? DEFAULT_GARBAGE_SETTINGS,
              (message) => logger.warn(message),
            ),
          inject: [METADATA_ACCESS],
        },
        {
          provide: RepositoryService,
          useFactory: (access: CachedAccess) => new RepositoryService(new PostgresRepositoryCatalog(access, limits), limits),
          inject: [METADATA_ACCESS],
        },
      ],
    };
  }
}
