import { DynamicModule, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RpcClient } from '@swr/contracts';
import { AccessPolicy, BlobReads, BlobUploads, Listings, Manifests, MetadataClient, OpenAccessPolicy } from '@swr/distribution-core';
import type { BlobStore } from '@swr/blob-store';
import type { FastifyInstance } from 'fastify';
import { registryRoutes, RegistryServices } from './registry-routes';

export interface DistributionModuleOptions {
  readonly blobStore: BlobStore;
  /** Reaches the metadata service: over NATS in distributed mode, in-process in standalone. */
  readonly metadataRpc: RpcClient;
  readonly access?: AccessPolicy;
}

const REGISTRY_SERVICES = Symbol('RegistryServices');

@Injectable()
class RegistryRouteRegistrar implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(REGISTRY_SERVICES) private readonly services: RegistryServices,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register((app) => registryRoutes(app, this.services));
  }
}

/** Serves the OCI Distribution API under /v2/ on the application's Fastify server. */
@Module({})
export class DistributionModule {
  static forRoot(options: DistributionModuleOptions): DynamicModule {
    return {
      module: DistributionModule,
      providers: [
        {
          provide: REGISTRY_SERVICES,
          useFactory: (): RegistryServices => {
            const metadata = new MetadataClient(options.metadataRpc);
            const logger = new Logger('Registry');
            return {
              uploads: new BlobUploads(metadata, options.blobStore),
              reads: new BlobReads(metadata, options.blobStore),
              manifests: new Manifests(metadata),
              listings: new Listings(metadata),
              access: options.access ?? new OpenAccessPolicy(),
              log: (error) => logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error)),
            };
          },
        },
        RegistryRouteRegistrar,
      ],
    };
  }
}
