import { z } from 'zod';
import { rpc } from '../rpc';

export const TRACE_RATINGS = ['normal', 'warning', 'incident'] as const;
export const TRACE_TYPES = ['ApiCall', 'SystemAction'] as const;

/** One audit record, shaped like a Cloud Trace Service trace. Times are milliseconds since the epoch. */
export const traceView = z.object({
  trace_id: z.string(),
  trace_name: z.string(),
  trace_rating: z.enum(TRACE_RATINGS),
  trace_type: z.enum(TRACE_TYPES),
  service_type: z.literal('SWR'),
  event_type: z.string(),
  resource_type: z.string(),
  resource_name: z.string(),
  resource_id: z.string(),
  source_ip: z.string(),
  user_agent: z.string(),
  user: z.object({ id: z.string(), name: z.string(), domain: z.object({ id: z.string(), name: z.string() }) }),
  code: z.string(),
  message: z.string(),
  request: z.string(),
  response: z.string(),
  request_id: z.string(),
  time: z.number().int(),
  record_time: z.number().int(),
});
export type TraceView = z.infer<typeof traceView>;

export const traceQuery = z.object({
  /** Only this account's trail. */
  accountId: z.string().min(1).max(64),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
  limit: z.number().int().min(1).max(200),
  /** The last trace id of the previous page. */
  next: z.uuid().optional(),
  traceName: z.string().max(128).optional(),
  traceRating: z.enum(TRACE_RATINGS).optional(),
  resourceType: z.string().max(64).optional(),
  resourceName: z.string().max(300).optional(),
  resourceId: z.string().max(128).optional(),
  /** A user's name or id. */
  user: z.string().max(64).optional(),
});
export type TraceQuery = z.infer<typeof traceQuery>;

/** The audit worker's questions: its trail, newest first. */
export const AuditRpc = {
  tracesList: rpc('audit.traces.list.v1', traceQuery, z.object({ traces: z.array(traceView), count: z.number().int(), marker: z.string().optional() })),
} as const;
