import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiError, Caller, CallerGuard, IamErrorFilter, parseBody, projectIdOf } from '@swr/api-http';
import { AccessKeyViewPayload, CallerPayload, IamRpc, RpcClient, UserView } from '@swr/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { IdentityOperations as Op } from './iam-api.operations';
import { IAM_API_RPC, IAM_API_SETTINGS, IamApiSettings } from './iam-api.settings';

const tokenRequest = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.literal('password')).min(1),
      password: z.object({
        user: z.object({ name: z.string().min(1).max(256), password: z.string().min(1).max(1024), domain: z.object({ name: z.string().min(1).max(256) }) }),
      }),
    }),
    scope: z.object({ project: z.object({ name: z.string().max(256).optional(), id: z.string().max(64).optional() }) }).optional(),
  }),
});
const domainCreate = z.object({
  domain: z.object({ name: z.string() }),
  admin: z.object({ name: z.string(), password: z.string() }),
});
const domainUpdate = z.object({ domain: z.object({ enabled: z.boolean() }) });


const userBody = (u: UserView) => ({ user: { id: u.id, name: u.name, domain_id: u.accountId, enabled: u.enabled, description: '', pwd_status: true, links: { self: `/v3/users/${u.id}` } } });
const credentialBody = (k: AccessKeyViewPayload) => ({ user_id: k.userId, access: k.access, status: k.status, create_time: k.createdAt, description: k.description });

/**
 * The subset of Huawei Cloud IAM that SWR users script against: Keystone password tokens, users,
 * access keys, and (ours) accounts. IAM decides; this translates shapes.
 */
@Controller()
@UseFilters(IamErrorFilter)
export class IdentityController {
  constructor(
    @Inject(IAM_API_RPC) private readonly iam: RpcClient,
    @Inject(IAM_API_SETTINGS) private readonly settings: IamApiSettings,
  ) {}

  @Post('v3/auth/tokens')
  async issueToken(@Body() body: unknown, @Res() reply: FastifyReply) {
    const { auth } = parseBody(tokenRequest, body);
    const project = auth.scope?.project;
    if (project?.name !== undefined && project.name !== this.settings.region) throw new ApiError(400, `no project ${project.name.slice(0, 64)} in this region`);
    const { user } = auth.identity.password;
    const issued = await this.iam.call(IamRpc.apiTokenIssue, { userName: user.name, password: user.password, accountName: user.domain.name });
    const domain = { id: issued.caller.accountId, name: issued.caller.accountName };
    return reply
      .code(201)
      .header('x-subject-token', issued.token)
      .send({
        token: {
          methods: ['password'],
          issued_at: issued.issuedAt,
          expires_at: issued.expiresAt,
          user: { id: issued.caller.userId, name: issued.caller.userName, domain, password_expires_at: '' },
          project: { id: projectIdOf(issued.caller.accountId), name: this.settings.region, domain },
          roles: issued.caller.isAdmin ? [{ id: 'admin', name: 'te_admin' }] : [],
          catalog: [],
        },
      });
  }

  @Post('v3/users')
  @UseGuards(CallerGuard)
  @HttpCode(Op.createUser.status)
  async createUser(@Caller() caller: CallerPayload, @Body() body: unknown) {
    const { user } = parseBody(Op.createUser.body, body);
    return userBody(await this.iam.call(IamRpc.userCreate, { caller, name: user.name, password: user.password, enabled: user.enabled }));
  }

  @Get('v3/users')
  @UseGuards(CallerGuard)
  async listUsers(@Caller() caller: CallerPayload) {
    const { users } = await this.iam.call(IamRpc.userList, { caller });
    return { users: users.map((u) => userBody(u).user), links: { self: '/v3/users' } };
  }

  /**
   * Keystone's project list, as Huawei's SDKs ask it (`?name=<region>`) to find the project id when
   * none is configured: an account has one project, named after the region.
   */
  @Get('v3/projects')
  @UseGuards(CallerGuard)
  listProjects(@Caller() caller: CallerPayload, @Query('name') name?: string) {
    const project = {
      id: projectIdOf(caller.accountId),
      name: this.settings.region,
      domain_id: caller.accountId,
      parent_id: caller.accountId,
      is_domain: false,
      enabled: true,
      description: '',
      links: { self: `/v3/projects/${projectIdOf(caller.accountId)}` },
    };
    return { projects: name === undefined || name === project.name ? [project] : [], links: { self: '/v3/projects', previous: null, next: null } };
  }

  @Get('v3/users/:id')
  @UseGuards(CallerGuard)
  async getUser(@Caller() caller: CallerPayload, @Param('id') id: string) {
    return userBody(await this.iam.call(IamRpc.userGet, { caller, id }));
  }

  @Patch('v3/users/:id')
  @UseGuards(CallerGuard)
  async updateUser(@Caller() caller: CallerPayload, @Param('id') id: string, @Body() body: unknown) {
    const { user } = parseBody(Op.updateUser.body, body);
    return userBody(await this.iam.call(IamRpc.userUpdate, { caller, id, password: user.password, enabled: user.enabled }));
  }

  @Delete('v3/users/:id')
  @UseGuards(CallerGuard)
  @HttpCode(Op.deleteUser.status)
  async deleteUser(@Caller() caller: CallerPayload, @Param('id') id: string) {
    await this.iam.call(IamRpc.userDelete, { caller, id });
  }

  @Post('v3.0/OS-CREDENTIAL/credentials')
  @UseGuards(CallerGuard)
  @HttpCode(Op.createKey.status)
  async createCredential(@Caller() caller: CallerPayload, @Body() body: unknown) {
    const { credential } = parseBody(Op.createKey.body, body);
    const created = await this.iam.call(IamRpc.accessKeyCreate, { caller, userId: credential.user_id, description: credential.description });
    return { credential: { ...credentialBody(created), secret: created.secret } };
  }

  @Get('v3.0/OS-CREDENTIAL/credentials')
  @UseGuards(CallerGuard)
  async listCredentials(@Caller() caller: CallerPayload, @Query('user_id') userId?: string) {
    const { keys } = await this.iam.call(IamRpc.accessKeyList, { caller, userId: userId ?? caller.userId });
    return { credentials: keys.map(credentialBody) };
  }

  @Put('v3.0/OS-CREDENTIAL/credentials/:access')
  @UseGuards(CallerGuard)
  async updateCredential(@Caller() caller: CallerPayload, @Param('access') access: string, @Body() body: unknown) {
    const { credential } = parseBody(Op.updateKey.body, body);
    return { credential: credentialBody(await this.iam.call(IamRpc.accessKeySetStatus, { caller, access, status: credential.status })) };
  }

  @Delete('v3.0/OS-CREDENTIAL/credentials/:access')
  @UseGuards(CallerGuard)
  @HttpCode(Op.deleteKey.status)
  async deleteCredential(@Caller() caller: CallerPayload, @Param('access') access: string) {
    await this.iam.call(IamRpc.accessKeyDelete, { caller, access });
  }

  @Post('v3/domains')
  @UseGuards(CallerGuard)
  @HttpCode(201)
  async createDomain(@Caller() caller: CallerPayload, @Body() body: unknown) {
    const { domain, admin } = parseBody(domainCreate, body);
    const account = await this.iam.call(IamRpc.accountCreate, { caller, name: domain.name, admin });
    return { domain: { id: account.id, name: account.name, enabled: account.enabled } };
  }

  @Get('v3/domains')
  @UseGuards(CallerGuard)
  async listDomains(@Caller() caller: CallerPayload) {
    const { accounts } = await this.iam.call(IamRpc.accountList, { caller });
    return { domains: accounts.map((a) => ({ id: a.id, name: a.name, enabled: a.enabled })) };
  }

  @Patch('v3/domains/:id')
  @UseGuards(CallerGuard)
  async updateDomain(@Caller() caller: CallerPayload, @Param('id') id: string, @Body() body: unknown) {
    const { domain } = parseBody(domainUpdate, body);
    const account = await this.iam.call(IamRpc.accountSetEnabled, { caller, id, enabled: domain.enabled });
    return { domain: { id: account.id, name: account.name, enabled: account.enabled } };
  }
}
