import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { CallerPayload, IamRpc, RemoteError, RpcClient } from '@swr/contracts';
import { identifyCaller } from '@swr/messaging';
import { ApiError } from './api-error';

export const API_IAM_RPC = Symbol('ApiIamRpc');

interface WithCaller {
  headers: Record<string, string | string[] | undefined>;
  swrCaller?: CallerPayload;
}

/** Every management call names its caller with X-Auth-Token; IAM says who that is (and whether still allowed). */
@Injectable()
export class CallerGuard implements CanActivate {
  constructor(@Inject(API_IAM_RPC) private readonly iam: RpcClient) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithCaller>();
    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || !token) throw new ApiError(401, 'authentication required: send X-Auth-Token');
    try {
      const caller = await this.iam.call(IamRpc.apiTokenVerify, { token });
      request.swrCaller = caller;
      identifyCaller({ accountId: caller.accountId, accountName: caller.accountName, userId: caller.userId, userName: caller.userName });
    } catch (error) {
      if (error instanceof RemoteError && error.code === 'IAM_TOKEN_INVALID') throw new ApiError(401, 'the token is invalid or has expired');
      throw error;
    }
    return true;
  }
}

/** The verified caller of a guarded handler. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): CallerPayload => {
  const caller = context.switchToHttp().getRequest<WithCaller>().swrCaller;
  if (!caller) throw new ApiError(401, 'authentication required');
  return caller;
});
