import { freePort, startDockerEngine, tempDir, waitFor, type DockerEngine } from '@swr/testing';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { buildImage, ok } from './support/real-clients';

const ROOT = resolve(__dirname, '../../..');

/** Whether nothing listens on the port of 127.0.0.1 (the second gateway takes SWR_PORT + 1). */
const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The README's way to try the distributed mode without containers, run as an operator runs it. */
describe('npm run start:distributed', () => {
  let docker: DockerEngine;
  beforeAll(async () => {
    docker = await startDockerEngine();
  }, 60_000);
  afterAll(() => docker?.stop());

  it('starts every server and app, serves docker through both gateways, and stops every process it started on Ctrl-C', async () => {
    const dataDir = tempDir('swr-start-distributed-');
    let port = await freePort();
    while (!(await isFree(port + 1))) port = await freePort();
    const password = 'operator-password-1';
    const child = spawn('npm', ['run', 'start:distributed'], {
      cwd: ROOT,
      env: { ...process.env, SWR_DATA_DIR: dataDir, SWR_PORT: String(port), SWR_ADMIN_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a terminal's foreground job: Ctrl-C signals the whole group.
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor('both gateways', async () => {
        if (child.exitCode !== null) throw new Error(`start:distributed exited early:\n${output}`);
        return output.includes('gateways: ');
      }, 300_000, 500);
      const [first, second] = [`127.0.0.1:${port}`, `127.0.0.1:${port + 1}`];
      for (const host of [first, second]) ok(await docker.docker('login', '-u', 'swr/admin', '-p', password, host));
      await buildImage(docker, `${first}/operator/app:v1`, { 'hello.txt': `from the first gateway ${Date.now()}` });
      ok(await docker.docker('push', `${first}/operator/app:v1`));
      ok(await docker.docker('pull', `${second}/operator/app:v1`));
      const id = async (ref: string) => JSON.parse(ok(await docker.docker('image', 'inspect', ref)))[0].Id;
      expect(await id(`${second}/operator/app:v1`)).toBe(await id(`${first}/operator/app:v1`));
      // The S3 server starts with a bucket of its own only: the apps created theirs (SWR_S3_BUCKET) when they found it missing.
      expect(readdirSync(join(dataDir, 's3'))).toEqual(expect.arrayContaining(['swr-e2e']));
    } finally {
      process.kill(-(child.pid as number), 'SIGINT');
      await exited;
    }

    const started = [...output.matchAll(/started (\S+) \(pid (\d+)\)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
    expect(started.map((s) => s.name)).toEqual(expect.arrayContaining(['nats-server', 'redis-server', 'postgres', 'metadata-1', 'iam-1', 'gateway-1', 'gateway-2', 'sync-worker-1']));
    await waitFor('every process gone', async () => started.every((s) => !alive(s.pid)), 30_000);
    for (const { name } of started) expect(output).toContain(`stopped ${name}`);
    const logs = join(dataDir, 'logs');
    const appLogs = readdirSync(logs).filter((file) => /-\d+\.log$/.test(file));
    expect(appLogs.length).toBeGreaterThanOrEqual(8);
    for (const file of appLogs) expect([file, readFileSync(join(logs, file), 'utf8')]).toEqual([file, expect.stringMatching(/stopping \(SIG(INT|TERM)\)[\s\S]*stopped/)]);
  }, 600_000);
});
