import { readOutboxBacklog } from '@swr/db';
import { Pool } from 'pg';
import type { Metrics } from './metrics';
import { sharedRead } from './shared-read';

/**
 * `swr_outbox_backlog_events` and `swr_outbox_oldest_event_age_seconds` for the process's outboxes
 * (service name → database schema), read at each scrape. The reads take a connection of their own,
 * so a scrape neither waits behind the service's busy pool nor takes one of its connections; an
 * outbox that cannot be read is left out of that scrape rather than shown with an old value.
 */
export function watchOutboxes(metrics: Metrics, databaseUrl: string, outboxes: Readonly<Record<string, string>>): void {
  const pool = new Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 60_000, allowExitOnIdle: true });
  pool.on('error', () => undefined);
  const read = sharedRead(() =>
    Promise.all(
      Object.entries(outboxes).map(([outbox, schema]) =>
        readOutboxBacklog(pool, schema).then(
          (backlog) => ({ outbox, ...backlog }),
          () => undefined,
        ),
      ),
    ),
  );
  metrics.gauge('swr_outbox_backlog_events', 'Events in the outbox not yet relayed to the event stream, by service', ['outbox'], async (gauge) => {
    gauge.reset();
    for (const backlog of await read()) if (backlog) gauge.set({ outbox: backlog.outbox }, backlog.events);
  });
  metrics.gauge('swr_outbox_oldest_event_age_seconds', 'Age of the oldest event waiting in the outbox (0 when it is empty), by service', ['outbox'], async (gauge) => {
    gauge.reset();
    for (const backlog of await read()) if (backlog) gauge.set({ outbox: backlog.outbox }, backlog.oldestAgeSeconds);
  });
}
