import Fastify, { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleFilePath, defaultConsoleDirectory, serveConsole } from './console-routes';

describe('the console route', () => {
  let base: string;
  let directory: string;
  let fastify: FastifyInstance;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'swr-console-'));
    directory = join(base, 'console');
    mkdirSync(join(directory, 'assets'), { recursive: true });
    writeFileSync(join(directory, 'index.html'), '<!doctype html><title>SWR console</title>');
    writeFileSync(join(directory, 'assets/index-abc.js'), 'console.log(1)');
    writeFileSync(join(directory, 'assets/index-abc.css'), 'body{}');
    writeFileSync(join(directory, '.hidden'), 'secret');
    writeFileSync(join(base, 'outside.txt'), 'outside');
    fastify = Fastify();
    serveConsole(fastify, directory);
    await fastify.ready();
  });
  afterAll(async () => {
    await fastify.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('serves index.html with a strict CSP, nosniff and no framing', async () => {
    const response = await fastify.inject({ method: 'GET', url: '/console/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain('SWR console');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('serves assets with their content types, cached for good', async () => {
    const script = await fastify.inject({ method: 'GET', url: '/console/assets/index-abc.js' });
    expect([script.statusCode, script.headers['content-type'], script.body]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);
    expect(script.headers['cache-control']).toContain('immutable');
    const style = await fastify.inject({ method: 'GET', url: '/console/assets/index-abc.css' });
    expect([style.statusCode, style.headers['content-type']]).toEqual([200, 'text/css; charset=utf-8']);
    const head = await fastify.inject({ method: 'HEAD', url: '/console/assets/index-abc.js' });
    expect([head.statusCode, head.body]).toEqual([200, '']);
  });

  it("answers the app's own routes with index.html, a missing asset with 404", async () => {
    for (const url of ['/console/repositories/acme/alpine.x', '/console/organizations', '/console/sign-in?next=%2F']) {
      const response = await fastify.inject({ method: 'GET', url });
      expect([url, response.statusCode, response.headers['content-type']]).toEqual([url, 200, 'text/html; charset=utf-8']);
    }
    const missing = await fastify.inject({ method: 'GET', url: '/console/assets/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-security-policy']).toBeDefined();
    const redirect = await fastify.inject({ method: 'GET', url: '/console' });
    expect([redirect.statusCode, redirect.headers.location]).toEqual([301, '/console/']);
  });

  it('never serves a file outside its directory, nor a dotfile', async () => {
    for (const url of ['/console/../outside.txt', '/console/%2e%2e/outside.txt', '/console/assets/..%2f..%2foutside.txt', '/console/..%5coutside.txt', '/console/.hidden', '/console/%00', '/console/%zz']) {
      const response = await fastify.inject({ method: 'GET', url });
      expect([url, response.body]).not.toEqual([url, 'outside']);
      expect([url, response.body]).not.toEqual([url, 'secret']);
      expect([url, [400, 404].includes(response.statusCode) || response.headers['content-type'] === 'text/html; charset=utf-8']).toEqual([url, true]);
    }
    expect(consoleFilePath(directory, '../outside.txt')).toBeUndefined();
    expect(consoleFilePath(directory, 'assets/../../outside.txt')).toBeUndefined();
    expect(consoleFilePath(directory, 'a\\b')).toBeUndefined();
    expect(consoleFilePath(directory, 'assets/index-abc.js')).toBe(join(directory, 'assets/index-abc.js'));
  });

  it('says so when the console is not built', async () => {
    const empty = Fastify();
    serveConsole(empty, join(base, 'nowhere'));
    const response = await empty.inject({ method: 'GET', url: '/console/' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('not built');
    await empty.close();
  });

  it('finds the console beside the app bundles by default', () => {
    expect(defaultConsoleDirectory('/srv/dist/apps/standalone')).toBe('/srv/dist/apps/console');
  });
});
