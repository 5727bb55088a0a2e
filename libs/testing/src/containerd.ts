import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandResult, run } from './dockerd';
import { waitFor } from './ports';
import { startProcess } from './processes';

export interface Containerd {
  ctr(...args: string[]): Promise<CommandResult>;
  stop(): Promise<void>;
}

/** A private containerd (Debian's, beside docker.io) with its socket and state under a temp dir. */
export async function startContainerd(): Promise<Containerd> {
  const dir = mkdtempSync(join(tmpdir(), 'swr-containerd-'));
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  writeFileSync(config, `version = 2\nroot = "${join(dir, 'root')}"\nstate = "${join(dir, 'state')}"\n[grpc]\n  address = "${socket}"\n`);
  const daemon = startProcess('containerd', ['--config', config]);
  const ctr = (...args: string[]) => run('ctr', ['--address', socket, ...args]);
  await waitFor('containerd', async () => {
    if (daemon.child.exitCode !== null) throw new Error(`containerd exited:\n${daemon.output()}`);
    return (await ctr('version')).code === 0;
  });
  return {
    ctr,
    stop: async () => {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
