/** A dependency the process needs to serve: resolves when it answers, rejects (or hangs) when it does not. */
export type DependencyCheck = () => Promise<void>;

export interface ReadinessReport {
  readonly ready: boolean;
  /** Each dependency's state: `ok`, or why it is not; only `shutdown: draining` while the process stops. */
  readonly checks: Readonly<Record<string, string>>;
}

const DRAINING: ReadinessReport = { ready: false, checks: { shutdown: 'draining' } };

/**
 * Whether the process should be sent work: every dependency answered within the timeout, and the
 * process is not stopping. Once `drain` is called it reports not ready for good, so that load
 * balancers stop sending requests before the process stops taking them.
 */
export class Readiness {
  private draining = false;
  private startDraining!: () => void;
  private readonly drained = new Promise<ReadinessReport>((resolve) => (this.startDraining = () => resolve(DRAINING)));

  constructor(
    private readonly checks: Readonly<Record<string, DependencyCheck>>,
    private readonly timeoutMs = 2_000,
  ) {}

  drain(): void {
    this.draining = true;
    this.startDraining();
  }

  /** While draining, at once and without asking the dependencies; a report under way when the drain starts ends with it. */
  async report(): Promise<ReadinessReport> {
    if (this.draining) return DRAINING;
    return Promise.race([this.checkAll(), this.drained]);
  }

  private async checkAll(): Promise<ReadinessReport> {
    const names = Object.keys(this.checks);
    const results = await Promise.all(names.map((name) => this.run(name)));
    const checks: Record<string, string> = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    return { ready: results.every((result) => result === 'ok'), checks };
  }

  private async run(name: string): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.checks[name](), timeout]);
      return 'ok';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** For a start-up line: each dependency and whether it answered now (`postgres ok, nats ok`). */
export async function describeDependencies(readiness: Readiness): Promise<string> {
  const { checks } = await readiness.report();
  return Object.entries(checks)
    .map(([name, state]) => `${name} ${state}`)
    .join(', ');
}
