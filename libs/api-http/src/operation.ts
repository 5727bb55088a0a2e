import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One management API operation, as data: the handler validates with these very schemas, and the
 * OpenAPI document is generated from them, so the two cannot disagree.
 */
export interface ApiOperation {
  readonly id: string;
  readonly method: HttpMethod;
  /** OpenAPI style: `/v2/manage/namespaces/{namespace}`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** The status of success, as SWR documents it (several POSTs answer 200, PATCHes 201). */
  readonly status: number;
  readonly query?: z.ZodType;
  /**
   * The query's criteria come only as SWR's one `filter=key::value|…` parameter, as SWR requires
   * for this list: the document then shows that parameter, required, rather than the criteria.
   */
  readonly filterOnly?: boolean;
  readonly body?: z.ZodType;
  /** A body that is not JSON but bytes, streamed (an image archive): the media types it may be sent as. */
  readonly rawBody?: { readonly contentTypes: readonly string[]; readonly description: string };
  readonly response?: z.ZodType;
  /** Documented failures: status → meaning. */
  readonly errors?: Readonly<Record<number, string>>;
  /** The IAM API's operations fail in IAM's envelope (IamErrorFilter), the rest in SWR's. */
  readonly errorEnvelope?: 'iam';
  /** Operations anyone may call (API versions); the rest need X-Auth-Token. */
  readonly anonymous?: boolean;
  /** A paginated list: the answer carries `Content-Range: offset-count/total`. */
  readonly paginated?: boolean;
  /**
   * How a call appears in the audit trail: its Cloud Trace Service name and resource type. Only
   * the anonymous API-version lookups, which act on no account's objects, and the IAM API's user
   * and access key calls, whose changes IAM records itself as events (createUser, createAccessKey,
   * …), have none.
   */
  readonly audit?: {
    readonly trace: string;
    readonly resource: string;
    /**
     * A call other than GET that changes nothing a service would record as an event (a dry run, a
     * request for work done later): the gateway records it, success included.
     */
    readonly changesNothing?: boolean;
  };
}

const swrErrorBody = z.object({
  error_code: z.string().meta({ example: 'SVCSTG.SWR.4001028' }),
  error_msg: z.string(),
  errorCode: z.string(),
  errorMessage: z.string(),
  errors: z.array(z.object({ errorCode: z.string(), errorMessage: z.string(), detail: z.string() })),
  details: z.array(z.object({ error_code: z.string(), error_msg: z.string() })),
});

const iamErrorBody = z.object({
  error_code: z.string().meta({ example: 'IAM.0403' }),
  error_msg: z.string(),
  error: z.object({ code: z.number().int(), message: z.string(), title: z.string() }),
});

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  // OpenAPI 3.1 speaks JSON Schema 2020-12 already; a per-schema dialect marker is noise there.
  delete generated.$schema;
  return generated;
}

function parametersOf(operation: ApiOperation): unknown[] {
  const path = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  if (!operation.query) return path;
  const query = jsonSchema(operation.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  if (operation.filterOnly) {
    const criteria = Object.keys(query.properties ?? {}).map((name) => `${name}::{${name}}`).join('|');
    const filter = { type: 'string', description: `criteria as key::value pairs joined by | (${criteria}); required: ${(query.required ?? []).join(', ')}` };
    return [...path, { name: 'filter', in: 'query', required: true, schema: filter }];
  }
  const fields = Object.entries(query.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: query.required?.includes(name) ?? false, schema }));
  return [...path, ...fields];
}

function operationObject(operation: ApiOperation): Record<string, unknown> {
  const success: Record<string, unknown> = { description: 'success' };
  if (operation.response) success.content = { 'application/json': { schema: jsonSchema(operation.response, 'output') } };
  if (operation.paginated) success.headers = { 'Content-Range': { description: '`offset-count/total` of this page', schema: { type: 'string' } } };
  const failures = Object.fromEntries(
    Object.entries({ ...(operation.anonymous ? {} : { 401: 'missing, invalid or expired X-Auth-Token' }), ...operation.errors }).map(([status, description]) => [
      status,
      { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${operation.errorEnvelope === 'iam' ? 'IamError' : 'SwrError'}` } } } },
    ]),
  );
  return {
    operationId: operation.id,
    summary: operation.summary,
    tags: [operation.tag],
    parameters: parametersOf(operation),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } } } } : {}),
    ...(operation.rawBody
      ? {
          requestBody: {
            required: true,
            description: operation.rawBody.description,
            content: Object.fromEntries(operation.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
          },
        }
      : {}),
    responses: { [operation.status]: success, ...failures },
    security: operation.anonymous ? [] : [{ authToken: [] }],
  };
}

/** The OpenAPI 3.1 document of a set of operations. */
export function openApiDocument(operations: readonly ApiOperation[], info: { title: string; version: string; description: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) (paths[operation.path] ??= {})[operation.method.toLowerCase()] = operationObject(operation);
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'the token POST /v3/auth/tokens returns in X-Subject-Token' } },
      schemas: { SwrError: jsonSchema(swrErrorBody, 'output'), IamError: jsonSchema(iamErrorBody, 'output') },
    },
  };
}
