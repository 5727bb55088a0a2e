import { CALL_CONTEXT_KEY, CallContext, callContext } from '@swr/contracts';
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<CallContext>();

/**
 * Calls under way in a context. On Node 20 a store reaches the work a call starts through a hook
 * on every promise the process creates, from the first call entered on: ~18% of the CPU of a
 * manifest GET or a blob HEAD, which need no context. So the hook is turned off whenever no call
 * is under way (the next call entered turns it on again), and reads that record nothing run
 * outside any call (the gateway's registry pulls).
 */
let callsUnderWay = 0;

function callEnded(): void {
  callsUnderWay--;
  if (callsUnderWay === 0) storage.disable();
}

/**
 * Runs `work` as part of the given call: RPC requests it makes and events it records carry the
 * context, until it returns or, if it returns a promise, until that settles.
 */
export function runInCall<T>(context: CallContext, work: () => T): T {
  callsUnderWay++;
  let result: T;
  try {
    result = storage.run(context, work);
  } catch (error) {
    callEnded();
    throw error;
  }
  if (isThenable(result)) return Promise.resolve(result).finally(callEnded) as T;
  callEnded();
  return result;
}

/** A promise, of this realm or another, or any other thenable. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Starts `work` as part of the given call, which lasts until the function returned is called (a
 * second call does nothing): for a call that outlives the function that starts it, as an HTTP
 * request outlives its first hook. Work the call started that is still running once it ended, and
 * no other call is under way, goes on without the context.
 */
export function beginCall(context: CallContext, work: () => void): () => void {
  let underWay = true;
  const end = () => {
    if (!underWay) return;
    underWay = false;
    callEnded();
  };
  callsUnderWay++;
  try {
    storage.run(context, work);
  } catch (error) {
    end();
    throw error;
  }
  return end;
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
