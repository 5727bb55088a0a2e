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
export type ResponseOf<C> = C extends RpcContract<unknown, infer Res> ? Res : never;

/** How a handler's failure travels back to the caller: a code from the owning API's closed table. */
export const errorPayload = z.object({
  code: z.string(),
  message: z.string(),
  detail: z.unknown().optional(),
});
export type ErrorPayload = z.infer<typeof errorPayload>;
