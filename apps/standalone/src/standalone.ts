import type { LoggerService } from '@nestjs/common';
import { AuditModule } from '@swr/audit-feature';
import { startEmbeddedPostgres } from '@swr/db';
import { createGatewayApp } from '@swr/gateway-shell';
import { InProcessJobQueue, InProcessJobScheduler } from '@swr/jobs';
import { controllersOf, InProcessBus, InProcessEventBus, InProcessRpcClient } from '@swr/messaging';
import { iamSettingsFrom, IamModule } from '@swr/iam-feature';
import { IAM_SCHEMA } from '@swr/iam-infra';
import { accountLimitsFrom, garbageSettingsFrom, MetadataModule } from '@swr/metadata-feature';
import { METADATA_SCHEMA } from '@swr/metadata-infra';
import { blobStoreCheck, describeDependencies, MeasuredBlobStore, MeasuredRpcClient, Metrics, OpsEndpoints, postgresCheck, Readiness, watchOutboxes } from '@swr/ops';
import { FilesystemBlobStore } from '@swr/storage';
import { RetentionJob, RetentionModule } from '@swr/retention-feature';
import { RETENTION_SCHEMA } from '@swr/retention-infra';
import { SyncModule, SyncQueueJob } from '@swr/sync-feature';
import { SYNC_SCHEMA } from '@swr/sync-infra';
import type { DeliveryJob } from '@swr/trigger-core';
import { addressPolicyFrom, TriggerModule } from '@swr/trigger-feature';
import { TRIGGER_SCHEMA } from '@swr/trigger-infra';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StandaloneConfig } from './config';

export interface RunningRegistry {
  readonly url: string;
  readonly port: number;
  /** For the start-up line: each dependency and whether it answered (`postgres ok, blobStore ok`). */
  readonly dependencies: string;
  /** Says not ready from now on (the first step of stopping). */
  drain(): void;
  stop(): Promise<void>;
}

/** The key that seals secrets at rest: made once, kept beside the data it protects, readable by its owner only. */
function localEncryptionKey(dataDir: string): Buffer {
  const file = resolve(dataDir, 'encryption.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/**
 * Every service of the registry in one process: embedded PostgreSQL, filesystem blobs, the
 * in-process transport and event bus in place of NATS, in-process jobs in place of BullMQ. Same
 * modules and contracts as the distributed services.
 */
export async function startStandalone(config: StandaloneConfig, logger: LoggerService): Promise<RunningRegistry> {
  const dataDir = resolve(config.SWR_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({
    dataDir: resolve(dataDir, 'postgres'),
    port: config.SWR_DB_PORT,
    durable: true,
  });
  const bus = new InProcessBus();
  const metrics = new Metrics('standalone');
  const rpc = new MeasuredRpcClient(new InProcessRpcClient(bus), metrics);
  const events = new InProcessEventBus();
  const encryptionKey = config.SWR_ENCRYPTION_KEY ?? localEncryptionKey(dataDir);
  try {
    const blobStore = new MeasuredBlobStore(new FilesystemBlobStore(resolve(dataDir, 'blobs'), { fsync: config.SWR_FS_FSYNC }), metrics);
    watchOutboxes(metrics, postgres.localUrl, { metadata: METADATA_SCHEMA, iam: IAM_SCHEMA, trigger: TRIGGER_SCHEMA, retention: RETENTION_SCHEMA, sync: SYNC_SCHEMA });
    const readiness = new Readiness({ postgres: postgresCheck(postgres.localUrl), blobStore: blobStoreCheck(blobStore) });
    const app = await createGatewayApp({
      blobStore,
      ops: new OpsEndpoints(readiness, metrics),
      rpc,
      events,
      service: config.SWR_REGISTRY_SERVICE,
      region: config.SWR_REGION,
      publicUrl: config.SWR_PUBLIC_URL,
      archiveMaxBytes: config.SWR_ARCHIVE_MAX_BYTES,
      logger,
      alongside: [
        AuditModule.forRoot({
          databaseUrl: postgres.localUrl,
          events: events.consumer({ durable: 'audit' }),
          jobs: new InProcessJobScheduler(),
          retentionDays: config.SWR_AUDIT_RETENTION_DAYS,
        }),
        TriggerModule.forRoot({
          databaseUrl: postgres.localUrl,
          events: events.consumer({ durable: 'trigger' }),
          publisher: events,
          deliveries: new InProcessJobQueue<DeliveryJob>({ attempts: config.SWR_WEBHOOK_ATTEMPTS, backoffMs: config.SWR_WEBHOOK_BACKOFF_MS }),
          addresses: addressPolicyFrom(config),
          registryHost: config.SWR_PUBLIC_URL ? new URL(config.SWR_PUBLIC_URL).host : `${config.SWR_HOST}:${config.SWR_PORT}`,
          encryptionKey,
        }),
        RetentionModule.forRoot({
          databaseUrl: postgres.localUrl,
          rpc,
          events: events.consumer({ durable: 'retention' }),
          publisher: events,
          jobs: new InProcessJobQueue<RetentionJob>({ attempts: 3, backoffMs: 5_000 }),
          schedules: { retention: new InProcessJobScheduler(), garbage: new InProcessJobScheduler() },
          retentionEveryMs: config.SWR_RETENTION_EVERY_HOURS * 3_600_000,
          gcEveryMs: config.SWR_GC_EVERY_MINUTES * 60_000,
        }),
        SyncModule.forRoot({
          databaseUrl: postgres.localUrl,
          rpc,
          blobStore,
          events: events.consumer({ durable: 'sync' }),
          publisher: events,
          jobs: new InProcessJobQueue<SyncQueueJob>({ attempts: config.SWR_SYNC_ATTEMPTS, backoffMs: 2_000, concurrency: 2 }),
          regions: config.SWR_SYNC_REGIONS,
          peerKey: config.SWR_SYNC_PEER_KEY,
          jobTimeoutMs: config.SWR_SYNC_JOB_TIMEOUT_MINUTES * 60_000,
          chunkBytes: config.SWR_SYNC_CHUNK_MIB * 1024 * 1024,
          parallelBlobs: config.SWR_SYNC_PARALLEL_BLOBS,
        }),
        MetadataModule.forRoot({ databaseUrl: postgres.localUrl, limits: accountLimitsFrom(config), events, blobStore, garbage: garbageSettingsFrom(config) }),
        IamModule.forRoot(iamSettingsFrom(config, postgres.localUrl, encryptionKey), events),
      ],
    });
    const stopServing = bus.serve(controllersOf(app));
    await app.listen(config.SWR_PORT, config.SWR_HOST);
    const port = (app.getHttpServer().address() as { port: number }).port;
    return {
      url: `http://${config.SWR_HOST}:${port}`,
      port,
      dependencies: await describeDependencies(readiness),
      drain: () => readiness.drain(),
      stop: async () => {
        await app.close();
        stopServing();
        await postgres.stop();
      },
    };
  } catch (error) {
    await postgres.stop();
    throw error;
  }
}
