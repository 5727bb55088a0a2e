import { Controller, DynamicModule, Inject, Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AuditTrail } from '@swr/audit-core';
import { AUDIT_MIGRATIONS, AUDIT_SCHEMA, PostgresTraceStore } from '@swr/audit-infra';
import { AuditRpc, TraceQuery } from '@swr/contracts';
import { openDatabase } from '@swr/db';
import type { JobScheduler } from '@swr/jobs';
import { EventConsumer, Handles } from '@swr/messaging';
import type { DataSource } from 'typeorm';

export interface AuditModuleOptions {
  readonly databaseUrl: string;
  readonly poolSize?: number;
  /** This worker's share of the event stream (durable `audit`), over JetStream or standalone's bus. */
  readonly events: EventConsumer;
  /** Runs the retention job: BullMQ in distributed mode, in-process in standalone. */
  readonly jobs: JobScheduler;
  /** How long traces are kept (default 7 days). */
  readonly retentionDays?: number;
  /** How often expired traces are looked for. */
  readonly pruneEveryMs?: number;
}

export const AUDIT_PRUNE_JOB = 'audit.prune';
const AUDIT_DATABASE = Symbol('AuditDatabase');
const AUDIT_OPTIONS = Symbol('AuditOptions');

@Controller()
class AuditRpcController {
  constructor(@Inject(AuditTrail) private readonly trail: AuditTrail) {}

  @Handles(AuditRpc.tracesList)
  traces(request: TraceQuery) {
    return this.trail.query(request);
  }
}

/**
 * Consumes the event stream into the trail and schedules its pruning. The consumer stops last, in
 * the shutdown phase, so that the outbox relays of services in the same process (stopped as their
 * modules are destroyed) never publish into a bus nobody listens to.
 */
@Injectable()
class AuditLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(AUDIT_DATABASE) private readonly db: DataSource,
    @Inject(AUDIT_OPTIONS) private readonly options: AuditModuleOptions,
    @Inject(AuditTrail) private readonly trail: AuditTrail,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.options.events.start({ handle: async (events) => void (await this.trail.record(events)) });
    await this.options.jobs.schedule({
      name: AUDIT_PRUNE_JOB,
      everyMs: this.options.pruneEveryMs ?? 3_600_000,
      run: async () => {
        const removed = await this.trail.prune();
        if (removed) this.logger.log(`removed ${removed} expired traces`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.options.events.stop();
    await this.options.jobs.close();
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** The audit bounded context: the trail of every event, kept for a retention period, queried over RPC. */
@Module({})
export class AuditModule {
  static forRoot(options: AuditModuleOptions): DynamicModule {
    return {
      module: AuditModule,
      controllers: [AuditRpcController],
      providers: [
        { provide: AUDIT_OPTIONS, useValue: options },
        { provide: AUDIT_DATABASE, useFactory: () => openDatabase({ url: options.databaseUrl, schema: AUDIT_SCHEMA, migrations: AUDIT_MIGRATIONS, poolSize: options.poolSize }) },
        { provide: AuditTrail, useFactory: (db: DataSource) => new AuditTrail(new PostgresTraceStore(db), options.retentionDays ?? 7), inject: [AUDIT_DATABASE] },
        AuditLifecycle,
      ],
    };
  }
}
