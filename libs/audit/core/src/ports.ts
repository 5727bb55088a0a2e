import type { TraceQuery, TraceView } from '@swr/contracts';
import type { TraceRecord } from './trace';

/** Where the trail is kept. */
export interface TraceStore {
  /** Stores the traces not stored yet (a redelivered event's trace is already there) and says how many were new. */
  add(traces: readonly TraceRecord[]): Promise<number>;
  /** One page of an account's trail, newest first, and the marker of the next page when there is one. */
  query(query: TraceQuery): Promise<{ traces: TraceView[]; marker?: string }>;
  /** Removes traces older than `cutoff`; says how many. */
  removeBefore(cutoff: Date): Promise<number>;
}
