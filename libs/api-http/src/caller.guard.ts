import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { parseSdkAuthorization, sdkStringsToSign, SignatureError, SignedRequest } from '@swr/auth';
import { CallerPayload, IamRpc, MessagingErrorCode, RemoteError, RpcClient } from '@swr/contracts';
import { identifyCaller } from '@swr/messaging';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error';
import { projectIdOf } from './swr-codes';

export const API_IAM_RPC = Symbol('ApiIamRpc');

interface WithCaller {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  raw: IncomingMessage;
  rawBody?: string;
  swrCaller?: CallerPayload;
}

const UNPARSED_BODY_LIMIT = 64 * 1024;

/**
 * The body of a request the framework does not parse (a GET: the SDK's own IAM lookups send `{}`
 * and sign it), read from the socket here. Nothing else reads it.
 */
async function unparsedBody(raw: IncomingMessage): Promise<Buffer> {
  const length = Number(raw.headers['content-length'] ?? 0);
  if (!length || length > UNPARSED_BODY_LIMIT || raw.readableEnded) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of raw) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The request as an AK/SK signature covers it: method, raw path and query, headers, body bytes. */
async function signedRequestOf(request: WithCaller): Promise<SignedRequest> {
  const url = request.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: request.method,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    headers: request.headers,
    body: request.rawBody === undefined ? await unparsedBody(request.raw) : Buffer.from(request.rawBody, 'utf8'),
  };
}

/**
 * IAM's answer to a credential that names nobody: unknown or expired, or not even of the shape IAM
 * issues (a registry token sent as X-Auth-Token fails the request's own schema). Either way a 401.
 */
function isRefusedCredential(error: unknown): boolean {
  return error instanceof RemoteError && (error.code === 'IAM_TOKEN_INVALID' || error.code === MessagingErrorCode.BadRequest);
}

/**
 * Every management call names its caller: with X-Auth-Token, or by signing the request with an
 * access key (Huawei Cloud's SDK-HMAC-SHA256, as its SDKs, Terraform and CLI do). Either way one
 * IAM round trip says who that is (and whether still allowed); the secret key never leaves IAM.
 */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(@Inject(API_IAM_RPC) private readonly iam: RpcClient) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithCaller>();
    const token = request.headers['x-auth-token'];
    const caller = typeof token === 'string' && token ? await this.byToken(token) : await this.bySignature(request);
    request.swrCaller = caller;
    identifyCaller({ accountId: caller.accountId, accountName: caller.accountName, userId: caller.userId, userName: caller.userName });
    return true;
  }

  private async byToken(token: string): Promise<CallerPayload> {
    try {
      return await this.iam.call(IamRpc.apiTokenVerify, { token });
    } catch (error) {
      if (isRefusedCredential(error)) throw new ApiError(401, 'the token is invalid or has expired, or is not an IAM token');
      throw error;
    }
  }

  private async bySignature(request: WithCaller): Promise<CallerPayload> {
    const signed = await signedRequestOf(request);
    let stringsToSign: string[];
    let parsed: ReturnType<typeof parseSdkAuthorization>;
    try {
      parsed = parseSdkAuthorization(signed);
      if (!parsed) throw new ApiError(401, 'authentication required: send X-Auth-Token or sign the request with an access key (SDK-HMAC-SHA256)');
      stringsToSign = sdkStringsToSign(signed, parsed);
    } catch (error) {
      if (error instanceof SignatureError) throw new ApiError(401, `invalid request signature: ${error.message}`);
      throw error;
    }
    if (!stringsToSign.length) throw new ApiError(401, 'invalid request signature: the body does not match its signed hash');
    let caller: CallerPayload;
    try {
      caller = await this.iam.call(IamRpc.signatureVerify, { accessKey: parsed.accessKey.slice(0, 64), stringsToSign, signature: parsed.signature });
    } catch (error) {
      if (isRefusedCredential(error)) {
        throw new ApiError(401, 'invalid request signature: it does not match, or the access key is unknown or disabled');
      }
      throw error;
    }
    const project = request.headers['x-project-id'];
    if (typeof project === 'string' && project && project !== projectIdOf(caller.accountId)) throw new ApiError(403, 'the access key is not of this project (X-Project-Id)');
    return caller;
  }
}

/** The verified caller of a guarded handler. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CallerPayload => {
  const caller = context.switchToHttp().getRequest<WithCaller>().swrCaller;
  if (!caller) throw new ApiError(401, 'authentication required');
  return caller;
});
