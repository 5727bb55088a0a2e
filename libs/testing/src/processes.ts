import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';

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

/** `logFile`: where the process's output is also appended, for an operator to read. */
export function startProcess(command: string, args: string[], options: SpawnOptions & { logFile?: string } = {}): ManagedProcess {
  const { logFile, ...spawnOptions } = options;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions });
  const file = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  let log = '';
  const append = (chunk: Buffer) => {
    file?.write(chunk);
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  // After 'exit', output may still be on its way: the log file ends once both streams have.
  child.once('close', () => file?.end());
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
