import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { openDatabase } from '@swr/db';
import { AccountLimits, BlobService, ManifestService, RepositoryService, UNLIMITED, UploadService } from '@swr/metadata-core';
import {
  CachedAccess,
  METADATA_MIGRATIONS,
  METADATA_SCHEMA,
  PostgresBlobLinks,
  PostgresChangeFeed,
  PostgresManifestIndex,
  PostgresRepositoryCatalog,
  PostgresUploadSessions,
  RepositoryReadCache,
} from '@swr/metadata-infra';
import type { DataSource } from 'typeorm';
import { MetadataRpcController } from './metadata-rpc.controller';
import { RepositoryRpcController } from './repository-rpc.controller';

export interface MetadataModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** Per-account quotas; none when not given. */
  readonly limits?: AccountLimits;
}

const METADATA_DATABASE = Symbol('MetadataDatabase');
const METADATA_ACCESS = Symbol('MetadataAccess');
const METADATA_CHANGE_FEED = Symbol('MetadataChangeFeed');

/** Starts the change feed that keeps the read cache coherent, and closes everything on shutdown. */
@Injectable()
class MetadataLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(METADATA_DATABASE) private readonly db: DataSource,
    @Inject(METADATA_CHANGE_FEED) private readonly feed: PostgresChangeFeed,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.feed.start();
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
      controllers: [MetadataRpcController, RepositoryRpcController],
      providers: [
        {
          provide: METADATA_DATABASE,
          useFactory: () => openDatabase({ url: options.databaseUrl, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: options.poolSize }),
        },
        { provide: METADATA_ACCESS, useFactory: (db: DataSource) => new CachedAccess(db, cache), inject: [METADATA_DATABASE] },
        { provide: METADATA_CHANGE_FEED, useValue: new PostgresChangeFeed(options.databaseUrl, cache, (message) => logger.warn(message)) },
        MetadataLifecycle,
        { provide: BlobService, useFactory: (access: CachedAccess) => new BlobService(new PostgresBlobLinks(access, limits)), inject: [METADATA_ACCESS] },
        { provide: UploadService, useFactory: (db: DataSource) => new UploadService(new PostgresUploadSessions(db, limits)), inject: [METADATA_DATABASE] },
        { provide: ManifestService, useFactory: (access: CachedAccess) => new ManifestService(new PostgresManifestIndex(access, limits)), inject: [METADATA_ACCESS] },
        {
          provide: RepositoryService,
          useFactory: (access: CachedAccess) => new RepositoryService(new PostgresRepositoryCatalog(access, limits), limits),
          inject: [METADATA_ACCESS],
        },
      ],
    };
  }
}
