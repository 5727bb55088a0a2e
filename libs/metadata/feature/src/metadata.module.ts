import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { openDatabase } from '@swr/db';
import { BlobService, ManifestService, UploadService } from '@swr/metadata-core';
import {
  CachedAccess,
  METADATA_MIGRATIONS,
  METADATA_SCHEMA,
  PostgresBlobLinks,
  PostgresChangeFeed,
  PostgresManifestIndex,
  PostgresUploadSessions,
  RepositoryReadCache,
} from '@swr/metadata-infra';
import type { DataSource } from 'typeorm';
import { MetadataRpcController } from './metadata-rpc.controller';

export interface MetadataModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
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
    return {
      module: MetadataModule,
      controllers: [MetadataRpcController],
      providers: [
        {
          provide: METADATA_DATABASE,
          useFactory: () => openDatabase({ url: options.databaseUrl, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: options.poolSize }),
        },
        { provide: METADATA_ACCESS, useFactory: (db: DataSource) => new CachedAccess(db, cache), inject: [METADATA_DATABASE] },
        { provide: METADATA_CHANGE_FEED, useValue: new PostgresChangeFeed(options.databaseUrl, cache, (message) => logger.warn(message)) },
        MetadataLifecycle,
        { provide: BlobService, useFactory: (access: CachedAccess) => new BlobService(new PostgresBlobLinks(access)), inject: [METADATA_ACCESS] },
        { provide: UploadService, useFactory: (db: DataSource) => new UploadService(new PostgresUploadSessions(db)), inject: [METADATA_DATABASE] },
        { provide: ManifestService, useFactory: (access: CachedAccess) => new ManifestService(new PostgresManifestIndex(access)), inject: [METADATA_ACCESS] },
      ],
    };
  }
}
