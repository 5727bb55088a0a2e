import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server that counts what clients send through it: the bytes, and the
 * HTTP request lines (which the client writes at the start of a packet, before any body).
 */
export class CountingProxy {
  sentBytes = 0;
  /** When set, what clients send is slowed to this rate (to catch a transfer in its middle). */
  bytesPerSecond?: number;
  private paced = { bytes: 0, since: Date.now() };
  readonly requestLines: string[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<CountingProxy> {
    const upstream = new URL(target);
    const holder: { proxy?: CountingProxy } = {};
    const server = createServer((client) => {
      const proxy = holder.proxy;
      const server = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
      proxy?.sockets.add(client).add(server);
      client.on('data', (chunk: Buffer) => {
        if (!proxy) return;
        proxy.sentBytes += chunk.length;
        const line = /^(GET|HEAD|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.1\r\n/.exec(chunk.subarray(0, 2048).toString('latin1'));
        if (line) proxy.requestLines.push(`${line[1]} ${line[2]}`);
        const ahead = proxy.aheadMs(chunk.length);
        if (ahead > 0) {
          client.pause();
          setTimeout(() => client.resume(), ahead);
        }
      });
      client.pipe(server).pipe(client);
      const close = () => {
        client.destroy();
        server.destroy();
      };
      client.on('error', close).on('close', close);
      server.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new CountingProxy(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return holder.proxy;
  }

  /** How far the bytes sent so far are ahead of the pace, in ms (0 without one). */
  private aheadMs(bytes: number): number {
    if (!this.bytesPerSecond) return 0;
    const now = Date.now();
    if (now - this.paced.since > 1_000) this.paced = { bytes: 0, since: now };
    this.paced.bytes += bytes;
    return (this.paced.bytes / this.bytesPerSecond) * 1000 - (now - this.paced.since);
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
