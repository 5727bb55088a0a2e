import type { ErrorPayload, RpcContract } from '@swr/contracts';

/** Sends a typed request to whichever service handles the contract's subject. */
export interface RpcClient {
  call<Req, Res>(contract: RpcContract<Req, Res>, request: Req): Promise<Res>;
  close(): Promise<void>;
}

export const RPC_CLIENT = Symbol('RpcClient');

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

export function toRemoteError(error: unknown): RemoteError {
  if (error instanceof RemoteError) return error;
  if (typeof error === 'object' && error !== null && typeof (error as ErrorPayload).code === 'string' && typeof (error as ErrorPayload).message === 'string') {
    return new RemoteError(error as ErrorPayload);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new RemoteError({ code: MessagingErrorCode.Unavailable, message: `request failed: ${message}` });
}
