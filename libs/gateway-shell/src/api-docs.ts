import { Controller, Get, Header, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiOperation, openApiDocument } from '@swr/api-http';
import { IAM_MANAGE_OPERATIONS } from '@swr/iam-api';
import { MANAGE_OPERATIONS } from '@swr/manage-api';
import type { FastifyReply } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Every management operation the gateway serves, as the handlers validate them. */
export const ALL_MANAGE_OPERATIONS: readonly ApiOperation[] = [...MANAGE_OPERATIONS, ...IAM_MANAGE_OPERATIONS];

export const OPENAPI_DOCUMENT = Symbol('OpenApiDocument');

export function buildOpenApiDocument(): Record<string, unknown> {
  return openApiDocument(ALL_MANAGE_OPERATIONS, {
    title: 'SWR management API',
    version: '2.26',
    description: 'Organizations, repositories, tags, permissions, sharing, login commands, quotas, and the IAM users and access keys. Calls carry X-Auth-Token from POST /v3/auth/tokens.',
  });
}

/** The Swagger UI's own files, served from the installed package: only these names. */
const UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>SWR management API</title><link rel="stylesheet" href="/v2/manage/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/v2/manage/docs/swagger-ui-bundle.js"></script>
<script src="/v2/manage/docs/swagger-ui-standalone-preset.js"></script>
<script>window.onload = () => { window.ui = SwaggerUIBundle({ url: '/v2/manage/openapi.json', dom_id: '#ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' }); };</script>
</body>
</html>`;

/** The OpenAPI document at /v2/manage/openapi.json and a Swagger UI page at /v2/manage/docs, for anyone. */
@Controller('v2/manage')
export class ApiDocsController {
  private readonly assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));

  constructor(@Inject(OPENAPI_DOCUMENT) private readonly document: Record<string, unknown>) {}

  @Get('openapi.json')
  openapi() {
    return this.document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  page() {
    return PAGE;
  }

  @Get('docs/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply) {
    const type = UI_ASSETS[file];
    if (!type) throw new NotFoundException();
    return reply.header('content-type', type).header('cache-control', 'public, max-age=86400').send(readFileSync(join(this.assetsDir, file)));
  }
}
