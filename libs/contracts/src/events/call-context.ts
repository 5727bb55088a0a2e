import { z } from 'zod';
import { eventActor } from './event-envelope';

/**
 * What a service needs to know about the call it is serving beyond the request itself: who made
 * it and from where (for the events it records), which gateway request it belongs to, and the HTTP
 * status the gateway answers when it succeeds. It travels beside every RPC request.
 */
export const callContext = z.object({
  requestId: z.string().max(64),
  actor: eventActor,
  /** The status a success of this call answers with (201 for creations, ...); recorded as the events' outcome. */
  successCode: z.number().int().min(100).max(599).optional(),
});
export type CallContext = z.infer<typeof callContext>;

/** The key under which the call context rides in an RPC request payload. */
export const CALL_CONTEXT_KEY = '$context';
