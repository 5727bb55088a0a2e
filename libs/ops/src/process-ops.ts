import { stopOnSignals } from '@swr/config';
import type { Metrics } from './metrics';
import { OpsEndpoints, startOpsServer, type OpsServer } from './ops-server';
import { describeDependencies, Readiness, type DependencyCheck } from './readiness';

export interface ProcessOps {
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  /** Where the endpoints are served (undefined without SWR_METRICS_PORT). */
  readonly port?: number;
  /** For the start-up line: `; dependencies: postgres ok, nats ok` and `; health and metrics on <host>:<port>` when served. */
  readonly describe: string;
  close(): Promise<void>;
  /** On SIGTERM or SIGINT: unready first, then SWR_SHUTDOWN_DELAY_MS later `app` closed, then these endpoints (so probes see the drain), then exit. */
  stopOnSignals(name: string, app: { close(): Promise<void> }, log: (message: string) => void): void;
}

/**
 * Readiness over `checks`, and the server of it and of the process's metrics when a port is set.
 * The metrics exist before (the app's adapters record into them as they are built); the server
 * starts once the app is built, so that it never reports ready before the app can serve.
 */
export async function startProcessOps(
  metrics: Metrics,
  settings: { readonly SWR_METRICS_PORT?: number; readonly SWR_METRICS_HOST: string; readonly SWR_SHUTDOWN_DELAY_MS: number },
  checks: Readonly<Record<string, DependencyCheck>>,
): Promise<ProcessOps> {
  const readiness = new Readiness(checks);
  let server: OpsServer | undefined;
  if (settings.SWR_METRICS_PORT !== undefined) server = await startOpsServer(new OpsEndpoints(readiness, metrics), settings.SWR_METRICS_PORT, settings.SWR_METRICS_HOST);
  const describe = `; dependencies: ${await describeDependencies(readiness)}${server ? `; health and metrics on ${settings.SWR_METRICS_HOST}:${server.port}` : ''}`;
  const close = async () => server?.close();
  return {
    readiness,
    metrics,
    port: server?.port,
    describe,
    close,
    stopOnSignals: (name, app, log) =>
      stopOnSignals(
        name,
        async () => {
          // Unready but still working, until whoever routes work here has seen it.
          await new Promise((resolve) => setTimeout(resolve, settings.SWR_SHUTDOWN_DELAY_MS));
          await app.close();
          await close();
        },
        log,
        () => readiness.drain(),
      ),
  };
}
