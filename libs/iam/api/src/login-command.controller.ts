import { Controller, Headers, Inject, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, parseQuery, registryHost, SwrErrorFilter } from '@swr/api-http';
import { CallerPayload, IamRpc, RpcClient } from '@swr/contracts';
import type { FastifyReply } from 'fastify';
import { IAM_API_RPC, IAM_API_SETTINGS, IamApiSettings } from './iam-api.settings';
import { LoginCommandOperation as Op } from './iam-api.operations';

const DEFAULT_DURATION_SECONDS = 6 * 3600;

/** SWR's temporary login command: the docker login line in a header, a docker config.json `auths` in the body. */
@Controller('v2/manage/utils')
@UseFilters(SwrErrorFilter)
@UseGuards(CallerGuard)
export class LoginCommandController {
  constructor(
    @Inject(IAM_API_RPC) private readonly iam: RpcClient,
    @Inject(IAM_API_SETTINGS) private readonly settings: IamApiSettings,
  ) {}

  @Post('secret')
  async createSecret(
    @Caller() caller: CallerPayload,
    @Headers('host') host: string | undefined,
    @Res() reply: FastifyReply,
    @Query() raw: Record<string, string>,
  ) {
    const { projectname: projectName, duration_seconds: durationSeconds = DEFAULT_DURATION_SECONDS } = parseQuery(Op.query, raw);
    if (projectName !== undefined && projectName !== this.settings.region) throw new ApiError(400, `no project ${projectName.slice(0, 64)} in this region`);
    const secret = await this.iam.call(IamRpc.loginSecretCreate, { caller, durationSeconds });
    const registry = registryHost(this.settings.publicUrl, host);
    return reply
      .code(200)
      .header('x-swr-dockerlogin', `docker login -u ${secret.username} -p ${secret.password} ${registry}`)
      .header('x-swr-expireat', secret.expiresAt)
      .send({ auths: { [registry]: { auth: Buffer.from(`${secret.username}:${secret.password}`).toString('base64') } } });
  }
}
