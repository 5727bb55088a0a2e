import { DynamicModule, Inject, Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { REGISTRY_TOKEN_ISSUER, RpcClient } from '@swr/contracts';
import { BlobReads, BlobUploads, DownloadCounter, Listings, Manifests, MetadataClient, TokenAccessPolicy, VerificationKeys } from '@swr/distribution-core';
import type { BlobStore } from '@swr/blob-store';
import type { FastifyInstance } from 'fastify';
import type { RegistryServices } from './registry-http';
import { AnsweredRead, RawRequestHandler, registryReads } from './registry-reads';
import { registryRoutes } from './registry-routes';
import { tokenRoutes } from './token-routes';

export interface DistributionModuleOptions {
  readonly blobStore: BlobStore;
  /** Reaches the metadata service: over NATS in distributed mode, in-process in standalone. */
  readonly metadataRpc: RpcClient;
  /** Reaches the IAM service, which issues registry tokens and publishes the keys that sign them. */
  readonly iamRpc: RpcClient;
  /** The registry's name in tokens and challenges (`SWR_REGISTRY_SERVICE`). */
  readonly service: string;
  readonly publicUrl?: string;
  /** Answer blob GETs with a redirect to a presigned URL of the blob store (S3), as Distribution's `storage.redirect`. */
  readonly redirectBlobReads?: boolean;
  /** Told whether each bearer token was found verified already (metrics). */
  readonly onTokenCacheLookup?: (result: 'hit' | 'miss') => void;
  /**
   * Given the handler of registry reads, to put in front of the framework on the HTTP server
   * (see `registryReads`): without it, no GET or HEAD under `/v2/` is served.
   */
  readonly serveReadsWith: (handler: RawRequestHandler) => void;
  /** Told how each read was answered (HTTP metrics). */
  readonly onReadAnswered?: (answer: AnsweredRead) => void;
}

const REGISTRY_SERVICES = Symbol('RegistryServices');
const DISTRIBUTION_OPTIONS = Symbol('DistributionOptions');

@Injectable()
class RegistryRouteRegistrar implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(REGISTRY_SERVICES) private readonly services: RegistryServices,
    @Inject(DISTRIBUTION_OPTIONS) private readonly options: DistributionModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await fastify.register((app) => registryRoutes(app, this.services));
    await fastify.register((app) => tokenRoutes(app, this.options.iamRpc));
    this.options.serveReadsWith(registryReads(this.services, this.options.onReadAnswered));
    this.services.downloads.start();
  }

  /** Before the services (and, in standalone, the database) go away: the last pull counts are sent. */
  async onModuleDestroy(): Promise<void> {
    await this.services.downloads.stop();
  }
}

/** Serves the OCI Distribution API under /v2/ (its reads in front of the framework) and the Docker token endpoint on the application's Fastify server. */
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
              reads: new BlobReads(metadata, options.blobStore, options.redirectBlobReads),
              manifests: new Manifests(metadata),
              listings: new Listings(metadata, options.iamRpc),
              downloads: new DownloadCounter(options.metadataRpc, 2_000, (error) => logger.warn(`pull counts not recorded yet: ${String(error)}`)),
              access: new TokenAccessPolicy(new VerificationKeys(options.iamRpc), { issuer: REGISTRY_TOKEN_ISSUER, service: options.service, onCacheLookup: options.onTokenCacheLookup }),
              publicUrl: options.publicUrl,
              log: (error) => logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error)),
            };
          },
        },
        { provide: DISTRIBUTION_OPTIONS, useValue: options },
        RegistryRouteRegistrar,
      ],
    };
  }
}
