import type { ApiOperation } from '@swr/api-http';
import { TRACE_RATINGS, traceView } from '@swr/contracts';
import { z } from 'zod';
import { whole } from './query-values';

const epochMs = z.string().regex(/^\d{1,15}$/, 'milliseconds since the epoch').transform(Number);

export const TraceOperations = {
  list: {
    id: 'ListTraces',
    audit: { trace: 'listTraces', resource: 'trace' },
    method: 'GET',
    path: '/v3/{project_id}/traces',
    summary: "The account's audit trail, newest first, as Cloud Trace Service lists traces (account admins only)",
    tag: 'Audit',
    status: 200,
    query: z.strictObject({
      trace_type: z.enum(['system']).optional(),
      service_type: z.enum(['SWR']).optional(),
      from: epochMs.optional(),
      to: epochMs.optional(),
      limit: whole(1, 200).optional(),
      next: z.uuid().optional(),
      trace_name: z.string().max(128).optional(),
      trace_rating: z.enum(TRACE_RATINGS).optional(),
      resource_type: z.string().max(64).optional(),
      resource_name: z.string().max(300).optional(),
      resource_id: z.string().max(128).optional(),
      user: z.string().max(64).optional(),
    }),
    response: z.object({ traces: z.array(traceView), meta_data: z.object({ count: z.number().int(), marker: z.string().optional() }) }),
    errors: { 400: 'invalid query (SVCSTG.SWR.4001025)', 403: 'not an admin of this project' },
  },
} satisfies Record<string, ApiOperation>;
