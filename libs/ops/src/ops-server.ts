import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';
import type { Readiness } from './readiness';

/** What `/healthz`, `/readyz` and `/metrics` answer, for any HTTP server to serve. */
export class OpsEndpoints {
  constructor(
    readonly readiness: Readiness,
    readonly metrics: Metrics,
  ) {}

  /** The answer to a GET of `path`, or undefined when the path is not one of ours. */
  async answer(path: string): Promise<{ status: number; contentType: string; body: string } | undefined> {
    switch (path) {
      case '/healthz':
        // Alive: the event loop turns. Dependencies are readiness's business, so a database outage never gets the process restarted.
        return { status: 200, contentType: 'application/json', body: '{"status":"ok"}' };
      case '/readyz': {
        const report = await this.readiness.report();
        return { status: report.ready ? 200 : 503, contentType: 'application/json', body: JSON.stringify({ status: report.ready ? 'ready' : 'not ready', checks: report.checks }) };
      }
      case '/metrics': {
        const { contentType, body } = await this.metrics.scrape();
        return { status: 200, contentType, body };
      }
      default:
        return undefined;
    }
  }
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The small HTTP server of a process that has no HTTP surface of its own (`SWR_METRICS_PORT`). */
export async function startOpsServer(endpoints: OpsEndpoints, port: number, host: string): Promise<OpsServer> {
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end('{"error":"method not allowed"}');
      return;
    }
    endpoints.answer(path).then(
      (answer) => {
        if (!answer) response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        else response.writeHead(answer.status, { 'content-type': answer.contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : answer.body);
      },
      (error: unknown) => response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) })),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    // The last step of a stop: a prober that keeps its connection alive would otherwise hold it open for good.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
