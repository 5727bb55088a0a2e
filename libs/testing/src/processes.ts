import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What the process printed, for failure messages. */
  output(): string;
  /** SIGTERM (or the given signal), then SIGKILL after a grace period. Resolves when it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

const running = new Set<ManagedProcess>();
// A test run that ends, however it ends, takes its servers with it (by PID, never by name).
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      append(Buffer.from(String(error)));
      resolve(-1);
    });
  });
  const managed: ManagedProcess = {
    child,
    pid: child.pid ?? -1,
    output: () => log,
    exited,
    stop: async (signal = 'SIGTERM', graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(managed);
    },
  };
  running.add(managed);
  void exited.then(() => running.delete(managed));
  return managed;
}
