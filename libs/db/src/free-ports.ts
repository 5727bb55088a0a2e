import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';

/** Where ports are chosen from: at or above it, ports are registered to well-known services less often. */
const LOWEST = 15_000;
/** Tries before giving up, for all the ports asked for: a port below the ephemeral range is rarely taken. */
const ATTEMPTS = 1_000;

/**
 * The first port of the kernel's ephemeral range: outgoing connections of every process take
 * their local ports from it, so a port chosen there can be taken before it is listened on.
 */
function ephemeralFloor(): number {
  try {
    const floor = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(floor) ? floor : 32_768;
  } catch {
    return 32_768;
  }
}

function listenOn(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * `count` distinct ports free on 127.0.0.1 a moment ago, held open together while chosen. They
 * come from below the ephemeral range: between being chosen and being listened on (a server's
 * start-up can take seconds), a port from that range may become the local port of any process's
 * outgoing connection, which made parallel test suites fail with EADDRINUSE. Below it only another
 * chooser's pick can collide, in the moment before that port is listened on. Where the range
 * leaves no room below it, the kernel picks the ports.
 */
export async function freePorts(count: number): Promise<number[]> {
  const room = ephemeralFloor() - LOWEST;
  const held: Server[] = [];
  try {
    for (let attempt = 0; held.length < count; attempt++) {
      if (attempt === ATTEMPTS) throw new Error('no free port on 127.0.0.1');
      const server = await listenOn(room >= 1_000 ? LOWEST + randomInt(room) : 0);
      if (server) held.push(server);
    }
    return held.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** A port that was free on 127.0.0.1 a moment ago (see freePorts). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}
