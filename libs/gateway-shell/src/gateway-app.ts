import { DynamicModule, Logger, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { acceptEmptyJsonBodies, answerFrameworkErrorsInApiEnvelopes, answerUnknownManagementRoutes } from '@swr/api-http';
import type { BlobStore } from '@swr/blob-store';
import type { RpcClient } from '@swr/contracts';
import { DistributionModule, type RawRequestHandler } from '@swr/distribution-feature';
import { IamApiModule } from '@swr/iam-api';
import { acceptArchiveBodies, ManageApiModule, registryArchiveImports } from '@swr/manage-api';
import { EventPublisher, MemoryOutbox, OutboxRelay } from '@swr/messaging';
import { ALL_MANAGE_OPERATIONS, ApiDocsController, buildOpenApiDocument, OPENAPI_DOCUMENT } from './api-docs';
import { auditCalls } from './call-audit';
import { defaultConsoleDirectory, serveConsole } from './console-routes';
import { HttpMetrics, serveOps } from './ops-routes';
import type { OpsEndpoints } from '@swr/ops';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';

export interface GatewayAppOptions {
  readonly blobStore: BlobStore;
  /** Reaches the other services: over NATS in distributed mode, in-process in standalone. */
  readonly rpc: RpcClient;
  /** Where the gateway's own audit events (reads, refused calls) go: the event stream, or standalone's bus. */
  readonly events: EventPublisher;
  readonly service: string;
  readonly region: string;
  readonly publicUrl?: string;
  /** Blob GETs answered with a redirect to the blob store's presigned URL (S3 only). */
  readonly redirectBlobReads?: boolean;
  /** Where the framework and the modules log (the process's structured logger). */
  readonly logger: LoggerService;
  /** `/healthz`, `/readyz` and `/metrics`, served on the gateway's port, and where its HTTP metrics go. */
  readonly ops?: OpsEndpoints;
  /** The largest image archive the management API takes in one upload (`SWR_ARCHIVE_MAX_BYTES`, 2 GiB by default). */
  readonly archiveMaxBytes?: number;
  /** The console's built files, served under /console/ (by default dist/apps/console, beside the app's bundle). */
  readonly consoleDirectory?: string;
  /** Modules that run in the same process (standalone mode runs every service here). */
  readonly alongside?: DynamicModule[];
}


/**
 * Fastify as Nest drives it, except that Nest's error handler is not installed over ours: the
 * routes keep the one that was set when they were registered (ours, which answers in each API's
 * envelope), so Nest's would only replace it where no route is involved, with a warning at start.
 */
class EnvelopeErrorsFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance();
  }
}

/**
 * Our routes declare no JSON schemas (bodies and queries are checked with zod where they are
 * read), so fastify is given compilers that refuse any: otherwise it loads Ajv and
 * fast-json-stringify at start, ~1 MiB of code held in memory for nothing.
 */
function noJsonSchemas(): never {
  throw new Error('routes here declare no JSON schemas: check the input with zod in the handler');
}

/**
 * The HTTP surface of the registry, as the gateway and standalone both serve it: OCI Distribution
 * and the token endpoint, the IAM-compatible API, the SWR management API and its OpenAPI
 * document, on one Fastify server.
 */
export function createGatewayApp(options: GatewayAppOptions): Promise<NestFastifyApplication> {
  const { rpc, service, region, publicUrl } = options;
  const tokenLookups = options.ops?.metrics.counter('swr_token_cache_lookups_total', "Bearer token lookups in the gateway's cache of verified tokens, by result (hit | miss)", ['result']);
  const httpMetrics = options.ops && new HttpMetrics(options.ops.metrics);
  let registryReads: RawRequestHandler | undefined;
  return NestFactory.create<NestFastifyApplication>(
    {
      module: class GatewayModule {},
      controllers: [ApiDocsController],
      providers: [{ provide: OPENAPI_DOCUMENT, useFactory: buildOpenApiDocument }],
      imports: [
        ...(options.alongside ?? []),
        DistributionModule.forRoot({
          blobStore: options.blobStore,
          metadataRpc: rpc,
          iamRpc: rpc,
          service,
          publicUrl,
          redirectBlobReads: options.redirectBlobReads,
          onTokenCacheLookup: tokenLookups && ((result) => tokenLookups.inc({ result })),
          serveReadsWith: (handler) => (registryReads = handler),
          onReadAnswered: httpMetrics && ((answer) => httpMetrics.record(answer)),
        }),
        IamApiModule.forRoot({ iamRpc: rpc, region, publicUrl }),
        ManageApiModule.forRoot({ rpc, region, publicUrl, archives: registryArchiveImports(options.blobStore, rpc, options.archiveMaxBytes) }),
      ],
    },
    // Long path values reach the handlers, which refuse them in their API's own error format.
    new EnvelopeErrorsFastifyAdapter({
      // No Nest middleware is applied: without middie, no request passes through an empty middleware chain.
      skipMiddie: true,
      // Registry reads are answered on the bare request, before the framework routes it (see registryReads).
      serverFactory: ((frameworkHandler, serverOptions) =>
        httpServer(serverOptions, (request, response) => {
          if (!registryReads?.(request, response)) frameworkHandler(request, response);
        })) satisfies FastifyServerFactory<Server>,
      bodyLimit: 4 * 1024 * 1024,
      routerOptions: { maxParamLength: 2048 },
      schemaController: { compilersFactory: { buildValidator: noJsonSchemas, buildSerializer: noJsonSchemas } },
    }),
    // Nest's own JSON parser would refuse the empty bodies management clients send.
    { logger: options.logger, bodyParser: false },
  ).then((app) => {
    const fastify = app.getHttpAdapter().getInstance();
    acceptEmptyJsonBodies(fastify);
    acceptArchiveBodies(fastify);
    answerFrameworkErrorsInApiEnvelopes(fastify);
    answerUnknownManagementRoutes(fastify);
    if (options.ops && httpMetrics) serveOps(fastify, options.ops, httpMetrics);
    serveConsole(fastify, options.consoleDirectory ?? defaultConsoleDirectory());
    const logger = new Logger('Audit');
    const outbox = new MemoryOutbox(100_000, (dropped) => logger.warn(`audit events dropped while the event stream is unreachable: ${dropped}`));
    const relay = new OutboxRelay(outbox, options.events, { onError: (error) => logger.warn(`audit relay: ${String(error)}`) });
    auditCalls(fastify, ALL_MANAGE_OPERATIONS, outbox);
    fastify.addHook('onReady', async () => relay.start());
    // Bounded: a publish still waiting on a worker's retries must not hold the shutdown (these events live in memory only).
    fastify.addHook('onClose', () => Promise.race([relay.stop(), new Promise<void>((done) => setTimeout(done, 2_000).unref())]));
    return app;
  });
}

/** The HTTP server Fastify would make itself, with the timeouts it resolved, serving `handle`. */
function httpServer(options: Record<string, unknown>, handle: (request: IncomingMessage, response: ServerResponse) => void): Server {
  const server = createServer(handle);
  const setting = (name: string) => (typeof options[name] === 'number' ? options[name] : undefined);
  server.keepAliveTimeout = setting('keepAliveTimeout') ?? server.keepAliveTimeout;
  server.requestTimeout = setting('requestTimeout') ?? server.requestTimeout;
  server.setTimeout(setting('connectionTimeout') ?? 0);
  const perSocket = setting('maxRequestsPerSocket');
  if (perSocket) server.maxRequestsPerSocket = perSocket;
  return server;
}
