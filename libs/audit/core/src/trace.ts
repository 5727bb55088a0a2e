import type { EventEnvelope, TraceView } from '@swr/contracts';
import { traceNameOf } from './trace-names';

/** A trace as the trail stores it: the view's fields, plus the account whose trail it belongs to. */
export interface TraceRecord {
  readonly id: string;
  /** Whose trail: the acting account, or for what the system did by itself the resource's owner; none for anonymous callers. */
  readonly accountId?: string;
  readonly name: string;
  readonly rating: TraceView['trace_rating'];
  readonly type: TraceView['trace_type'];
  readonly eventType: string;
  readonly resourceType: string;
  readonly resourceName: string;
  readonly resourceId: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly userId: string;
  readonly userName: string;
  readonly accountName: string;
  readonly code: number;
  readonly message: string;
  readonly request: string;
  readonly response: string;
  readonly requestId: string;
  readonly time: Date;
}

const SUMMARY_LIMIT = 1024;

/** `normal` for success, `warning` for a refusal (4xx), `incident` for a failure of ours (5xx). */
export function ratingOf(code: number): TraceView['trace_rating'] {
  if (code >= 500) return 'incident';
  return code >= 400 ? 'warning' : 'normal';
}

/**
 * The trace of one event. The request summary is the event's data, which producers build from
 * names, ids and settings only: secrets are never part of an event, so never part of a trace.
 */
export function traceOf(event: EventEnvelope): TraceRecord {
  const { actor } = event;
  const answered = event.type === 'call.answered';
  const data = answered ? { method: event.data.method, path: event.data.path } : event.data;
  return {
    id: event.id,
    ...(actor.accountId || event.resource.accountId ? { accountId: actor.accountId ?? event.resource.accountId } : {}),
    name: traceNameOf(event),
    rating: ratingOf(event.outcome.code),
    // A call made through the API has a source address; what the system does by itself has none.
    type: actor.sourceIp ? 'ApiCall' : 'SystemAction',
    eventType: event.type,
    resourceType: answered ? String(event.data.resourceType) : event.resource.type,
    resourceName: event.resource.name,
    resourceId: event.resource.id ?? '',
    sourceIp: actor.sourceIp ?? '',
    userAgent: actor.userAgent ?? '',
    userId: actor.userId ?? '',
    userName: actor.userName ?? '',
    accountName: actor.accountName ?? '',
    code: event.outcome.code,
    message: event.outcome.message ?? '',
    request: JSON.stringify(data).slice(0, SUMMARY_LIMIT),
    response: answered ? String(event.data.response ?? '') : '',
    requestId: event.requestId ?? '',
    time: new Date(event.time),
  };
}

export function traceView(record: TraceRecord, recordedAt: Date): TraceView {
  return {
    trace_id: record.id,
    trace_name: record.name,
    trace_rating: record.rating,
    trace_type: record.type,
    service_type: 'SWR',
    event_type: record.eventType,
    resource_type: record.resourceType,
    resource_name: record.resourceName,
    resource_id: record.resourceId,
    source_ip: record.sourceIp,
    user_agent: record.userAgent,
    user: { id: record.userId, name: record.userName, domain: { id: record.accountId ?? '', name: record.accountName } },
    code: String(record.code),
    message: record.message,
    request: record.request,
    response: record.response,
    request_id: record.requestId,
    time: record.time.getTime(),
    record_time: recordedAt.getTime(),
  };
}
