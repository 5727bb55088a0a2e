import type { BlobStore } from '@swr/blob-store';
import Redis from 'ioredis';
import { connect } from 'nats';
import { Client } from 'pg';
import type { DependencyCheck } from './readiness';

/**
 * Checks open a connection of their own and ask one question: a probe says whether the server
 * answers now, whatever state the process's pooled connections are in (they reconnect by themselves).
 */

/** PostgreSQL answers a query. */
export function postgresCheck(url: string): DependencyCheck {
  return async () => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    // A server that goes away mid-check surfaces as an error event, not only as a rejection.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}

/** nats-server answers a ping. */
export function natsCheck(servers: string | string[]): DependencyCheck {
  return async () => {
    const connection = await connect({ servers, timeout: 2_000, reconnect: false, name: 'swr-readiness' });
    try {
      await connection.flush();
    } finally {
      await connection.close();
    }
  };
}

/** Redis answers PING. */
export function redisCheck(url: string): DependencyCheck {
  return async () => {
    const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } finally {
      redis.disconnect();
    }
  };
}

/** The blob store answers a lookup (of a digest nobody stores). */
export function blobStoreCheck(store: BlobStore): DependencyCheck {
  return async () => {
    await store.stat(`sha256:${'0'.repeat(64)}`);
  };
}
