import { z } from 'zod';

/**
 * One request/reply operation between services: its versioned subject and the schemas of its
 * request and response. Call sites and handlers name the descriptor, never the subject string.
 */
export interface RpcContract<Req, Res> {
  readonly subject: string;
  readonly request: z.ZodType<Req>;
  readonly response: z.ZodType<Res>;
}

export function rpc<ReqSchema extends z.ZodType, ResSchema extends z.ZodType>(
  subject: string,
  request: ReqSchema,
  response: ResSchema,
): RpcContract<z.infer<ReqSchema>, z.infer<ResSchema>> {
  return { subject, request, response } as RpcContract<z.infer<ReqSchema>, z.infer<ResSchema>>;
}

export type RequestOf<C> = C extends RpcContract<infer Req, unknown> ? Req : never;

/** How a handler's failure travels back to the caller: a code from the owning API's closed table. */
export interface ErrorPayload {
  code: string;
  message: string;
  detail?: unknown;
}

/** Sends a typed request to whichever service handles the contract's subject. */
export interface RpcClient {
  call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res>;
  close(): Promise<void>;
}

/** A handler's coded failure as the caller sees it. */
export class RemoteError extends Error {
  readonly code: string;
  readonly detail?: unknown;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'RemoteError';
    this.code = payload.code;
    this.detail = payload.detail;
  }
}

/** Codes the messaging layer itself reports, beside the owning API's own codes. */
export const MessagingErrorCode = {
  BadRequest: 'RPC_BAD_REQUEST',
  Internal: 'RPC_INTERNAL',
  NoHandler: 'RPC_NO_HANDLER',
  Timeout: 'RPC_TIMEOUT',
  Unavailable: 'RPC_UNAVAILABLE',
} as const;
