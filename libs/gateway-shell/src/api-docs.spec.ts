import { RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { IamApiModule } from '@swr/iam-api';
import { ManageApiModule } from '@swr/manage-api';
import type { RpcClient } from '@swr/contracts';
import { ALL_MANAGE_OPERATIONS, buildOpenApiDocument } from './api-docs';

const rpc = {} as RpcClient;

/** Every route a controller declares, as `METHOD /path` with its parameters written `{}`. */
function routesOf(controller: Type): string[] {
  const trimmed = (path: unknown) => String(path ?? '').replace(/^\/+|\/+$/g, '');
  const base = trimmed(Reflect.getMetadata(PATH_METADATA, controller));
  return Object.getOwnPropertyNames(controller.prototype)
    .filter((name) => name !== 'constructor')
    .flatMap((name) => {
      const handler = controller.prototype[name];
      const path = typeof handler === 'function' ? Reflect.getMetadata(PATH_METADATA, handler) : undefined;
      if (path === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const full = `/${[base, trimmed(path)].filter(Boolean).join('/')}`;
      return [`${method} ${full.replace(/:\w+/g, '{}')}`];
    });
}

const documented = (path: string) => path.replace(/\{\w+\}/g, '{}');
const isManagement = (route: string) =>
  / \/(v2\/manage|v3\/manage)\//.test(route) || / \/(v2)?$/.test(route) || / \/v3\/\{\}\/traces$/.test(route) || / \/v3\/users(\/\{\})?$/.test(route) || / \/v3\.0\/OS-CREDENTIAL\//.test(route);

describe('the OpenAPI document', () => {
  it('names every management route the handlers serve, and nothing they do not', () => {
    const controllers = [...(ManageApiModule.forRoot({ rpc, region: 'r', archives: { maxBytes: 1, import: () => Promise.resolve([]) } }).controllers ?? []), ...(IamApiModule.forRoot({ iamRpc: rpc, region: 'r' }).controllers ?? [])];
    const served = controllers.flatMap(routesOf).filter(isManagement).sort();
    const inDocument = ALL_MANAGE_OPERATIONS.map((o) => `${o.method} ${documented(o.path)}`).sort();
    expect(served).toEqual(inDocument);
  });

  it('is valid OpenAPI 3.1 with a unique id and a success answer per operation', () => {
    const document = buildOpenApiDocument() as { openapi: string; paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    for (const operation of operations) expect(Object.keys(operation.responses).some((status) => status.startsWith('2'))).toBe(true);
  });
});
