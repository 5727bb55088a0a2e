import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A load balancer in front of gateways, as a Kubernetes Service is: each request goes, in turn, to a
 * gateway whose `/readyz` last answered 200 (asked every 100 ms). A gateway that cannot be reached
 * while a request is on its way makes that request a 502, which is what its client would see.
 */
export class ReadinessBalancer {
  private readonly ready = new Set<string>();
  private turn = 0;
  private polling = true;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly server: Server,
    private readonly gateways: readonly string[],
    readonly url: string,
  ) {}

  static async start(gateways: readonly string[]): Promise<ReadinessBalancer> {
    const holder: { balancer?: ReadinessBalancer } = {};
    const server = createServer((incoming, outgoing) => {
      let target: URL;
      try {
        if (!holder.balancer) throw new Error('the balancer is starting');
        target = new URL(holder.balancer.pick());
      } catch (error) {
        outgoing.writeHead(503).end(String(error));
        return;
      }
      const upstream = request({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      upstream.on('error', (error) => {
        if (!outgoing.headersSent) outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(`${target.host}: ${error.message}`);
        else outgoing.destroy(error);
      });
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const balancer = new ReadinessBalancer(server, gateways, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    for (const url of gateways) balancer.ready.add(url);
    balancer.loop = balancer.poll();
    holder.balancer = balancer;
    return balancer;
  }

  private pick(): string {
    const ready = this.gateways.filter((url) => this.ready.has(url));
    if (!ready.length) throw new Error('no gateway is ready');
    return ready[this.turn++ % ready.length];
  }

  private async poll(): Promise<void> {
    while (this.polling) {
      await Promise.all(
        this.gateways.map(async (url) => {
          const ok = await fetch(`${url}/readyz`).then(
            (res) => res.ok,
            () => false,
          );
          if (ok) this.ready.add(url);
          else this.ready.delete(url);
        }),
      );
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    this.polling = false;
    await this.loop;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
