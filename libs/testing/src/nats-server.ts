import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports';
import { ManagedProcess, startProcess } from './processes';

export interface NatsServerHandle {
  readonly url: string;
  /** Its monitoring endpoint (`/healthz`, `/subsz`, …). */
  readonly monitorUrl: string;
  /** The running server process (a new one after `start`). */
  readonly process: ManagedProcess;
  /** Stops the server, keeping its JetStream store: an outage. */
  halt(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where a server keeps its data (kept at stop; a temp dir removed at stop when not given) and appends
 * its log. Servers run in process groups of their own: a Ctrl-C to the terminal reaches the apps,
 * which stop while the servers still answer, and the servers are stopped after them, by PID.
 */
export interface ServerPlace {
  readonly dir?: string;
  readonly logFile?: string;
}

/** Debian's nats-server with JetStream on loopback. */
export async function startNatsServer(place: ServerPlace = {}): Promise<NatsServerHandle> {
  const port = await freePort();
  const monitor = await freePort();
  const dir = place.dir ?? mkdtempSync(join(tmpdir(), 'swr-nats-'));
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'nats.conf');
  // Manifests travel in requests: allow up to 8 MiB (a 4 MiB manifest is ~5.4 MiB as base64).
  writeFileSync(config, `listen: 127.0.0.1:${port}\nhttp: 127.0.0.1:${monitor}\nmax_payload: 8388608\njetstream { store_dir: "${dir}" }\n`);
  const launch = async () => {
    const server = startProcess('nats-server', ['-c', config], { logFile: place.logFile, detached: true });
    await waitFor('nats-server', async () => {
      if (server.child.exitCode !== null) throw new Error(`nats-server exited: ${server.output()}`);
      return (await fetch(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`)).ok;
    });
    return server;
  };
  let server = await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: `http://127.0.0.1:${monitor}`,
    get process() {
      return server;
    },
    halt: () => server.stop(),
    start: async () => {
      server = await launch();
    },
    stop: async () => {
      await server.stop();
      if (!place.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
