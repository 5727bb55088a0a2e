// What the benchmarks share: their command-line options, timing helpers, and CPU time from /proc.
import { readdirSync, readFileSync } from 'node:fs';

/** A whole-number option `name N` of at least `least`, or `fallback` when absent. */
export function option(name: string, fallback: number, least = 1): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < least) throw new Error(`${name} takes a whole number of at least ${least}`);
  return value;
}

/** `--replicas 1,2`: the replica counts to run with (one run each). */
export function replicaCounts(): number[] {
  const at = process.argv.indexOf('--replicas');
  if (at < 0) return [1, 2];
  const counts = String(process.argv[at + 1]).split(',').map(Number);
  if (!counts.length || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--replicas takes positive whole numbers separated by commas, e.g. 1,2');
  return counts;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];

/** Polls until `check` holds; unlike the testing library's waitFor, an error from `check` ends the wait. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces): state, ppid, … */
export function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds of a process; with `reaped`, also those of the children it has waited for. */
export function cpuSeconds(pid: number, reaped = false): number {
  const f = procStat(pid);
  if (!f) return 0;
  const [utime, stime, cutime, cstime] = f.slice(11, 15).map(Number);
  return (utime + stime + (reaped ? cutime + cstime : 0)) / TICKS_PER_SECOND;
}

/** The live children of a process. */
export function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => procStat(pid)?.[1] === String(parent));
}

/** The machine's CPU ticks so far: busy and in all. */
export function machineTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  return { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}
