import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePorts } from './free-ports';

describe('free ports', () => {
  it('chooses distinct ports below the ephemeral range, each of which can then be listened on', async () => {
    const ephemeralFloor = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    expect(ports.every((port) => port < ephemeralFloor)).toBe(true);
    for (const port of ports) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
