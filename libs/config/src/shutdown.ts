/**
 * Stops the process cleanly on SIGTERM or SIGINT, saying so before and after: `drain` first (the
 * process reports itself not ready, so that no new work is sent), then `stop` closes what the
 * process runs (its servers, consumers and pools), then the process exits 0, or 1 when stopping
 * failed. A second signal while stopping is ignored.
 */
export function stopOnSignals(name: string, stop: () => Promise<void>, log: (message: string) => void, drain?: () => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${name} stopping (${signal})`);
    drain?.();
    stop().then(
      () => {
        log(`${name} stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        log(`${name} failed to stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
