import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { openDatabase } from '@swr/db';
import { BlobService, ManifestService, UploadService } from '@swr/metadata-core';
import { METADATA_MIGRATIONS, METADATA_SCHEMA, PostgresBlobLinks, PostgresManifestIndex, PostgresUploadSessions } from '@swr/metadata-infra';
import type { DataSource } from 'typeorm';
import { MetadataRpcController } from './metadata-rpc.controller';

export interface MetadataModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
}

const METADATA_DATABASE = Symbol('MetadataDatabase');

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(METADATA_DATABASE) private readonly db: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** The metadata bounded context: Postgres-backed blob links, upload sessions and manifest index behind RPC handlers. */
@Module({})
export class MetadataModule {
  static forRoot(options: MetadataModuleOptions): DynamicModule {
    return {
      module: MetadataModule,
      controllers: [MetadataRpcController],
      providers: [
        {
          provide: METADATA_DATABASE,
          useFactory: () => openDatabase({ url: options.databaseUrl, schema: METADATA_SCHEMA, migrations: METADATA_MIGRATIONS, poolSize: options.poolSize }),
        },
        DatabaseCloser,
        { provide: BlobService, useFactory: (db: DataSource) => new BlobService(new PostgresBlobLinks(db)), inject: [METADATA_DATABASE] },
        { provide: UploadService, useFactory: (db: DataSource) => new UploadService(new PostgresUploadSessions(db)), inject: [METADATA_DATABASE] },
        { provide: ManifestService, useFactory: (db: DataSource) => new ManifestService(new PostgresManifestIndex(db)), inject: [METADATA_DATABASE] },
      ],
    };
  }
}
