import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly at: number;
}

/** What the receiver answers on a path: a status per request, in turn (the last one repeats), and an optional delay. */
export interface Script {
  readonly statuses: number[];
  readonly delayMs?: number;
}

/** A real HTTP server in the test process that records every delivery and answers as scripted. */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly scripts = new Map<string, Script>();
  private readonly served = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    // The handler runs only once listening, by when the receiver exists.
    const started: { receiver?: WebhookReceiver } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => void started.receiver?.answer(request, Buffer.concat(chunks).toString('utf8'), response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    started.receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return started.receiver;
  }

  script(path: string, script: Script): void {
    this.scripts.set(path, script);
  }

  on(path: string): ReceivedDelivery[] {
    return this.received.filter((r) => r.path === path);
  }

  private async answer(request: IncomingMessage, body: string, response: import('node:http').ServerResponse): Promise<void> {
    const path = request.url ?? '/';
    this.received.push({ path, headers: request.headers, body, at: Date.now() });
    const script = this.scripts.get(path) ?? { statuses: [200] };
    const turn = this.served.get(path) ?? 0;
    this.served.set(path, turn + 1);
    if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
    response.statusCode = script.statuses[Math.min(turn, script.statuses.length - 1)];
    response.end('{}');
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
