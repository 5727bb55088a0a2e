import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './ports';
import { ManagedProcess, startProcess } from './processes';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; never throws on a non-zero exit (the caller asserts on it). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

export interface DockerEngine {
  /** Environment for `docker` commands: this engine's socket and a private client config. */
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
  readonly process: ManagedProcess;
  docker(...args: string[]): Promise<CommandResult>;
  stop(): Promise<void>;
}

/**
 * A private Docker engine (Debian's docker.io) for tests: vfs storage, no networking changes, and
 * every loopback registry trusted over plain HTTP. Its sockets and data live under a temp dir.
 */
export async function startDockerEngine(): Promise<DockerEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'swr-dockerd-'));
  const socket = join(dir, 'docker.sock');
  mkdirSync(join(dir, 'config'));
  const engine = startProcess('dockerd', [
    '--storage-driver=vfs',
    '--iptables=false',
    '--ip6tables=false',
    '--bridge=none',
    '--insecure-registry=127.0.0.0/8',
    `--data-root=${join(dir, 'data')}`,
    `--exec-root=${join(dir, 'exec')}`,
    `--pidfile=${join(dir, 'docker.pid')}`,
    `-H`,
    `unix://${socket}`,
  ]);
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'config'), DOCKER_BUILDKIT: '0' };
  const docker = (...args: string[]) => run('docker', args, env);
  await waitFor('dockerd', async () => {
    if (engine.child.exitCode !== null) throw new Error(`dockerd exited:\n${engine.output()}`);
    return (await docker('version', '--format', '{{.Server.Version}}')).code === 0;
  });
  return {
    env,
    dir,
    process: engine,
    docker,
    stop: async () => {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
