import type { EventEnvelope, TraceQuery, TraceView } from '@swr/contracts';
import type { TraceStore } from './ports';
import { traceOf } from './trace';

/** The audit trail: one trace per event, kept for `retentionDays`, read an account at a time. */
export class AuditTrail {
  constructor(
    private readonly store: TraceStore,
    private readonly retentionDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(events: readonly EventEnvelope[]): Promise<number> {
    return this.store.add(events.map(traceOf));
  }

  async query(query: TraceQuery): Promise<{ traces: TraceView[]; count: number; marker?: string }> {
    const page = await this.store.query(query);
    return { ...page, count: page.traces.length };
  }

  /** Forgets what is older than the retention period. */
  prune(): Promise<number> {
    return this.store.removeBefore(new Date(this.now().getTime() - this.retentionDays * 86_400_000));
  }
}
