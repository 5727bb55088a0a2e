import { CALL_CONTEXT_KEY, CallContext, callContext } from '@swr/contracts';
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<CallContext>();

/** Runs `work` as part of the given call: RPC requests it makes and events it records carry the context. */
export function runInCall<T>(context: CallContext, work: () => T): T {
  return storage.run(context, work);
}

/** The call being served, if any (none for the system's own work: schedules, workers). */
export function currentCall(): CallContext | undefined {
  return storage.getStore();
}

/** A request payload with the current call context beside it, as RPC clients send it. */
export function withCallContext<Req>(request: Req): Req {
  const context = storage.getStore();
  if (!context || typeof request !== 'object' || request === null) return request;
  return { ...request, [CALL_CONTEXT_KEY]: context };
}

/** Splits what a handler received into the call context (when valid) and the request proper. */
export function takeCallContext(data: unknown): { context?: CallContext; request: unknown } {
  if (typeof data !== 'object' || data === null || !(CALL_CONTEXT_KEY in data)) return { request: data };
  const { [CALL_CONTEXT_KEY]: raw, ...request } = data as Record<string, unknown>;
  const parsed = callContext.safeParse(raw);
  return { context: parsed.success ? parsed.data : undefined, request };
}

/** Names the caller of the current call once it is known (after its token was verified); names it lacks are left out. */
export function identifyCaller(actor: CallContext['actor']): void {
  const context = storage.getStore();
  if (!context) return;
  const known = context.actor as Record<string, string | undefined>;
  for (const [key, value] of Object.entries(actor)) if (value) known[key] = value;
}
