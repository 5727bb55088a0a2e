import type { ApiOperation } from '@swr/api-http';
import { CallContext, RESOURCE_TYPES } from '@swr/contracts';
import { beginCall, domainEvent, MemoryOutbox, runInCall } from '@swr/messaging';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';

/** What the audit trail needs to know about a call the gateway serves. */
interface AuditedCall {
  readonly trace: string;
  readonly resourceType: string;
  /** Read once the call is answered, when the body (which names what a creation creates) has been parsed. */
  readonly resourceName: (request: FastifyRequest) => string;
  /** A write whose success the service that committed it records (so the gateway must not). */
  readonly write: boolean;
  readonly successCode?: number;
  /**
   * A registry request answered 401 without having carried any credentials is the token
   * handshake (the challenge a client answers by fetching a token), not a refused write.
   */
  readonly challengeOnly?: boolean;
}

interface CallState {
  context: CallContext;
  call?: AuditedCall;
  failure?: string;
  /** Ends the call's context, for a request served within one: once it is answered. */
  end?: () => void;
}

type AuditedOperation = ApiOperation & { audit: NonNullable<ApiOperation['audit']> };

const calls = new WeakMap<FastifyRequest, CallState>();
const SUMMARY_LIMIT = 512;

/**
 * Serves every request the framework routes within a call context (request id, source IP, user
 * agent; the caller once verified), which travels with each RPC so that services record who did
 * what. Registry reads never come here: they record nothing (pulls are counted, not audited) and
 * are answered before the framework, outside any context (see `registryReads`). Answers that leave
 * no domain event behind — management reads, and refused or failed calls — are recorded here
 * instead, as `call.answered`, so every management call and registry write leaves exactly one event.
 */
export function auditCalls(fastify: FastifyInstance, operations: readonly ApiOperation[], outbox: MemoryOutbox): void {
  const byRoute = new Map<string, AuditedCall>();
  for (const operation of operations) {
    if (operation.audit) byRoute.set(routeKey(operation.method, operation.path.replace(/\{[^}]+\}/g, ':')), managementCall({ ...operation, audit: operation.audit }));
  }
  // Templates are the routes registered at start, so each is matched against the document once.
  const byTemplate = new Map<string, AuditedCall | null>();
  const managementCallOf = (method: string, template: string): AuditedCall | undefined => {
    const key = `${method} ${template}`;
    let call = byTemplate.get(key);
    if (call === undefined) byTemplate.set(key, (call = byRoute.get(routeKey(method, template)) ?? null));
    return call ?? undefined;
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    const url = request.routeOptions.url ?? '';
    const registry = url === '/v2/*' ? registryWrite(request) : undefined;
    const call = registry ? { ...registry, challengeOnly: true } : managementCallOf(request.method, url);
    const context: CallContext = {
      requestId: randomUUID(),
      actor: { sourceIp: request.ip, ...userAgent(request) },
      ...(call?.successCode ? { successCode: call.successCode } : {}),
    };
    const state: CallState = { context, call };
    calls.set(request, state);
    // The id the audit trail knows this call by, for the caller to quote.
    reply.header('x-request-id', context.requestId);
    state.end = beginCall(context, done);
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const state = calls.get(request);
    if (state?.call && reply.statusCode >= 400 && typeof payload === 'string') state.failure = payload.slice(0, SUMMARY_LIMIT);
    // The answer is what the handler leaves when its work is done (every one sends it last), even
    // for a client that has hung up: ended sooner, the rest of its work would go on without the
    // context, its events unattributed.
    state?.end?.();
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const state = calls.get(request);
    const status = reply.statusCode;
    if (state?.call && (status >= 400 || !state.call.write) && !(status === 401 && state.call.challengeOnly && !request.headers.authorization)) {
      const { call, context } = state;
      runInCall(context, () =>
        outbox.add(
          domainEvent(
            'call.answered',
            { type: call.resourceType, name: call.resourceName(request) },
            {
              operation: call.trace,
              resourceType: call.resourceType,
              method: request.method,
              path: pathOf(request).slice(0, SUMMARY_LIMIT),
              ...(state.failure ? { response: state.failure } : {}),
            },
            { outcome: { code: status } },
          ),
        ),
      );
    }
    state?.end?.();
    done();
  });
}

/** `organization/repository:tag` from the path, or from the body of a creation (`{"namespace": …}`, `{"repository": …}`). */
function managedResourceName(request: FastifyRequest, documented: readonly string[]): string {
  // The document's parameter names, given the values of the controller's (same order).
  const values = request.params as Record<string, string | undefined>;
  const declared = [...(request.routeOptions.url ?? '').matchAll(/:([^/]+)/g)].map((m) => m[1]);
  const params = Object.fromEntries(documented.map((name, i) => [name, values[declared[i]]]));
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  const named = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const parts = [params.namespace ?? named(body.namespace), params.repository?.replace(/\$/g, '/') ?? named(body.repository)].filter((p): p is string => !!p);
  const target = params.tag ?? params.access_domain ?? params.trigger ?? params.retention_id ?? params.project_id;
  return (parts.length ? parts.join('/') + (target ? `:${target}` : '') : (target ?? '')).slice(0, 300);
}

/** Routes compared by shape: controllers may name a parameter differently from the document. */
const routeKey = (method: string, path: string) => `${method} ${path.replace(/:[^/]*/g, ':')}`;

function userAgent(request: FastifyRequest): { userAgent?: string } {
  const agent = request.headers['user-agent'];
  return typeof agent === 'string' ? { userAgent: agent.slice(0, 256) } : {};
}

function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function managementCall(operation: AuditedOperation): AuditedCall {
  const documented = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  return {
    trace: operation.audit.trace,
    resourceType: operation.audit.resource,
    resourceName: (request) => managedResourceName(request, documented),
    write: operation.method !== 'GET' && !operation.audit.changesNothing,
    successCode: operation.status,
  };
}

/** Registry writes: a pushed or deleted manifest, an uploaded, mounted or deleted blob (the registry route takes no other method). */
function registryWrite(request: FastifyRequest): AuditedCall | undefined {
  const path = decodeURIComponent(pathOf(request).replace(/^\/v2\//, ''));
  const manifest = /^(.+)\/manifests\/([^/]+)$/.exec(path);
  if (manifest) {
    const [, name, reference] = manifest;
    const byDigest = reference.includes(':');
    if (request.method === 'PUT') return { trace: 'pushImage', resourceType: RESOURCE_TYPES.image, resourceName: () => imageName(name, reference), write: true, successCode: 201 };
    return {
      trace: byDigest ? 'deleteImage' : 'deleteImageTag',
      resourceType: byDigest ? RESOURCE_TYPES.image : RESOURCE_TYPES.imageTag,
      resourceName: () => imageName(name, reference),
      write: true,
      successCode: 202,
    };
  }
  const blob = /^(.+)\/blobs\/(uploads\/[^/]*|[^/]+)$/.exec(path);
  if (!blob) return undefined;
  const [, name, rest] = blob;
  if (!rest.startsWith('uploads/')) return { trace: 'deleteBlob', resourceType: RESOURCE_TYPES.blob, resourceName: () => `${name}@${rest}`, write: true, successCode: 202 };
  const query = new URLSearchParams(request.url.slice(request.url.indexOf('?') + 1));
  const mount = request.method === 'POST' && query.has('mount');
  const digest = query.get('mount') ?? query.get('digest');
  return { trace: mount ? 'mountBlob' : 'uploadBlob', resourceType: RESOURCE_TYPES.blob, resourceName: () => (digest ? `${name}@${digest}` : name), write: true, successCode: 201 };
}

const imageName = (name: string, reference: string) => (reference.includes(':') ? `${name}@${reference}` : `${name}:${reference}`);
