// How the distributed registry scales out on this machine, and what the distributed mode costs.
// For 1, 2 and 3 gateways (each a process, with two metadata replicas behind them over NATS), the
// manifest GET rate at 32 connections in all, spread evenly over the gateways by one wrk per gateway
// (wrk is C: the load generator costs little CPU), with how busy the machine was; then the latency of
// one manifest GET at a time (c=1) through one gateway against the standalone registry's on the
// same request, which is what the distributed mode adds (NATS hops, S3 rather than the filesystem
// does not enter: a manifest GET reads metadata only). Webhook deliveries with 1, 2 and 3 trigger
// workers are measured by the trigger benchmark, which this script runs afterwards (scripts/bench-scale.sh).
// Usage: node dist/bench/scale.bench.js [--replicas 1,2,3] [--seconds N]
import { startDistributedRegistry, startStandaloneRegistry, type RegistryUnderTest } from '@swr/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineTicks, option, replicaCounts } from './bench-support';

const SECONDS = option('--seconds', 5);
const GATEWAYS = replicaCounts();
const CONNECTIONS = 32;
const MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
const REPOSITORY = 'benchscale/app';

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function adminToken(registry: RegistryUnderTest): Promise<string> {
  const basic = Buffer.from(`${registry.admin.username}:${registry.admin.password}`).toString('base64');
  const res = await fetch(`${registry.url}/auth/token?service=swr-registry&scope=repository:${REPOSITORY}:pull,push`, { headers: { authorization: `Basic ${basic}` } });
  if (!res.ok) throw new Error(`token: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** One small image under `latest`: its config blob and manifest. */
async function seed(registry: RegistryUnderTest, token: string): Promise<void> {
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const headers = { authorization: `Bearer ${token}` };
  const blob = await fetch(`${registry.url}/v2/${REPOSITORY}/blobs/uploads/?digest=${sha256(config)}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: config });
  if (blob.status !== 201) throw new Error(`seed blob: ${blob.status}`);
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE, config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length }, layers: [] });
  const put = await fetch(`${registry.url}/v2/${REPOSITORY}/manifests/latest`, { method: 'PUT', headers: { ...headers, 'content-type': MEDIA_TYPE }, body: manifest });
  if (put.status !== 201) throw new Error(`seed manifest: ${put.status}`);
}

interface WrkResult {
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

const WRK_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

/** wrk against one URL: requests/s, latency percentiles, non-2xx answers and socket errors. */
async function wrk(url: string, token: string, connections: number): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'swr-scale-wrk-'));
  const script = join(dir, 'get.lua');
  writeFileSync(script, `wrk.method = "GET"\nwrk.headers["Accept"] = "${MEDIA_TYPE}"\nwrk.headers["Authorization"] = "Bearer ${token}"\n`);
  try {
    const { stdout: out } = await promisify(execFile)('wrk', ['-t1', `-c${connections}`, `-d${SECONDS}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
    const latency = (p: string) => {
      const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
      return m ? Number(m[1]) * WRK_UNITS[m[2]] : NaN;
    };
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
    return { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), p50Ms: latency('50'), p99Ms: latency('99'), errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `work` and says how busy the machine's cores were meanwhile. */
async function busy<T>(work: () => Promise<T>): Promise<{ result: T; busyPercent: number }> {
  const before = machineTicks();
  const result = await work();
  const after = machineTicks();
  return { result, busyPercent: (100 * (after.busy - before.busy)) / (after.total - before.total) };
}

/** The same GETs spread over every gateway, one wrk each, at the same time. */
async function spread(urls: string[], token: string): Promise<{ rate: number; errors: number }> {
  const each = await Promise.all(urls.map((url) => wrk(`${url}/v2/${REPOSITORY}/manifests/latest`, token, Math.ceil(CONNECTIONS / urls.length))));
  return { rate: each.reduce((sum, r) => sum + r.rate, 0), errors: each.reduce((sum, r) => sum + r.errors, 0) };
}

async function main(): Promise<void> {
  console.log(`manifest GET, c=${CONNECTIONS} in all, ${SECONDS} s per run, ${cpus().length} cores`);
  const rows: string[] = [];
  let single: WrkResult | undefined;
  for (const gateways of GATEWAYS) {
    const registry = await startDistributedRegistry({ gateways, metadataReplicas: 2 });
    try {
      const token = await adminToken(registry);
      await seed(registry, token);
      const urls = registry.gateways.map((g) => g.url);
      await spread(urls, token); // warm-up
      const { result, busyPercent } = await busy(() => spread(urls, token));
      rows.push(`${gateways} gateway(s): ${result.rate.toFixed(0)} req/s, machine ${busyPercent.toFixed(0)}% busy, ${result.errors} errors`);
      if (gateways === GATEWAYS[0]) single = await wrk(`${urls[0]}/v2/${REPOSITORY}/manifests/latest`, token, 1);
    } finally {
      await registry.stop();
    }
  }
  for (const row of rows) console.log(row);

  const standalone = await startStandaloneRegistry();
  try {
    const token = await adminToken(standalone);
    await seed(standalone, token);
    await wrk(`${standalone.url}/v2/${REPOSITORY}/manifests/latest`, token, 1);
    const alone = await wrk(`${standalone.url}/v2/${REPOSITORY}/manifests/latest`, token, 1);
    console.log(`\none GET at a time (c=1): standalone p50 ${alone.p50Ms.toFixed(2)} ms, p99 ${alone.p99Ms.toFixed(2)} ms (${alone.rate.toFixed(0)} req/s)`);
    if (single) {
      console.log(`                        distributed p50 ${single.p50Ms.toFixed(2)} ms, p99 ${single.p99Ms.toFixed(2)} ms (${single.rate.toFixed(0)} req/s)`);
      console.log(`distributed adds p50 ${(single.p50Ms - alone.p50Ms).toFixed(2)} ms, p99 ${(single.p99Ms - alone.p99Ms).toFixed(2)} ms`);
    }
  } finally {
    await standalone.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
