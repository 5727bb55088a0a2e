import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  json<T = any>(): T;
  header(name: string): string | undefined;
}

export interface RawRequest {
  readonly headers?: Record<string, string | number | string[]>;
  readonly body?: Buffer | string | Readable;
}

/**
 * One HTTP exchange with the path sent exactly as given (fetch would normalise `..` away), on a
 * fresh connection.
 */
export function raw(baseUrl: string, method: string, path: string, options: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number | string[]> = { ...(options.headers ?? {}) };
    const body = options.body;
    if (body !== undefined && !(body instanceof Readable) && headers['content-length'] === undefined) headers['content-length'] = Buffer.byteLength(body);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: buffer,
          json: () => JSON.parse(buffer.toString('utf8')),
          header: (name) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : value;
          },
        });
      });
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

/** Sends the head of a request and part of its declared body, then drops the connection. */
export function truncatedRequest(baseUrl: string, method: string, path: string, declaredLength: number, sent: Buffer, headers: Record<string, string> = {}): Promise<void> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { ...headers, 'content-length': declaredLength }, agent: false });
    req.on('error', () => resolve());
    req.write(sent, () => setTimeout(() => {
      req.destroy();
      resolve();
    }, 100));
  });
}
