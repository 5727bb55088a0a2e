import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports';
import type { ServerPlace } from './nats-server';
import { startProcess } from './processes';

export interface RedisServerHandle {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Debian's redis-server on loopback, in the foreground so that it is stopped by its PID. Nothing is
 * persisted, and a full memory fails writes instead of evicting keys (BullMQ's data must not vanish).
 */
export async function startRedisServer(place: ServerPlace = {}): Promise<RedisServerHandle> {
  const port = await freePort();
  const dir = place.dir ?? mkdtempSync(join(tmpdir(), 'swr-redis-'));
  mkdirSync(dir, { recursive: true });
  // Kept across restarts when it has a place of its own: the queues and schedules live there.
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', place.dir ? 'yes' : 'no', '--maxmemory-policy', 'noeviction'];
  const server = startProcess('redis-server', args, { logFile: place.logFile, detached: true });
  await waitFor('redis-server', async () => {
    if (server.child.exitCode !== null) throw new Error(`redis-server exited: ${server.output()}`);
    return answersPing(port);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: server.pid,
    stop: async () => {
      await server.stop();
      if (!place.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a Redis server listens on the port and answers PING (loading a dataset, it answers an error). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (reply) => {
      socket.destroy();
      resolve(reply.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}
