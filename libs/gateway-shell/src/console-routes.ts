import type { FastifyInstance, FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

/**
 * The console's files: the bundle of apps/console, built by Vite into dist/apps/console beside
 * the apps' own bundles (dist/apps/<app>/main.js), which is where a bundle finds it by default.
 */
export function defaultConsoleDirectory(bundleDirectory: string = __dirname): string {
  return resolve(bundleDirectory, '../console');
}

/** Every console response: only the console's own files run, and no other site may frame it. */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file a console path names, or undefined when it does not name one inside the console's
 * directory: `..` segments, encoded separators, NUL bytes and dotfiles are refused, and the
 * resolved path must stay under the directory.
 */
export function consoleFilePath(directory: string, path: string): string | undefined {
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  const root = resolve(directory);
  const file = resolve(root, ...segments);
  return file.startsWith(root + sep) ? file : undefined;
}

/**
 * Serves the console under /console/: its built files with their content types, and index.html
 * for any other path under /console/ (the single-page app's own routes). Assets carry a content
 * hash in their names and are cached for good; index.html is revalidated every time.
 */
export function serveConsole(fastify: FastifyInstance, directory: string): void {
  const index = join(directory, 'index.html');
  const send = async (reply: FastifyReply, file: string, method: string) => {
    const info = await stat(file);
    const name = file.slice(directory.length);
    reply
      .headers(CONSOLE_SECURITY_HEADERS)
      .header('content-type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
      .header('content-length', info.size)
      .header('cache-control', name.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    return method === 'HEAD' ? reply.send() : reply.send(createReadStream(file));
  };
  const notFound = (reply: FastifyReply, message: string) =>
    reply.status(404).headers(CONSOLE_SECURITY_HEADERS).header('content-type', 'text/plain; charset=utf-8').send(message);

  fastify.route({
    method: ['GET', 'HEAD'],
    url: '/console',
    handler: (_request, reply) => reply.redirect('/console/', 301),
  });
  fastify.route<{ Params: { '*': string } }>({
    method: ['GET', 'HEAD'],
    url: '/console/*',
    handler: async (request, reply) => {
      let path: string;
      try {
        path = decodeURIComponent(request.params['*'] ?? '');
      } catch {
        return notFound(reply, 'not found');
      }
      const file = path === '' ? index : consoleFilePath(directory, path);
      if (file === undefined) return notFound(reply, 'not found');
      const found = await stat(file).then((info) => info.isFile(), () => false);
      if (found) return send(reply, file, request.method);
      // A missing asset is a 404; any other path is one of the app's routes (repository names may hold dots), which index.html renders.
      if (path.startsWith('assets/')) return notFound(reply, 'not found');
      const built = await stat(index).then((info) => info.isFile(), () => false);
      if (!built) return notFound(reply, 'the console is not built (npx vite build --config apps/console/vite.config.mts)');
      return send(reply, index, request.method);
    },
  });
}
