// Online garbage collection at scale, in a standalone registry (embedded PostgreSQL with fsync, the
// filesystem store): --blobs small blobs (100,000 by default) of which half are referenced by tagged
// manifests and half by nothing, all queued for review. It measures pushes/s of small images
// (config, one layer, manifest; --concurrency at a time) for --seconds without a collection, then
// during one collection with a grace period of 0, and reports the collection's duration, the blobs
// it freed per second, and the push rate during it as a fraction of the rate without.
// Then a retention policy (tag_rule, keep 10) over a repository of --tags tags (10,000 by default):
// how long until every removed tag is in the history, and pushes/s into that repository meanwhile.
// Usage: node dist/bench/gc.bench.js [--blobs N] [--tags N] [--concurrency N] [--seconds N]
import { freePort, startStandaloneRegistry, tempDir } from '@swr/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { option, seconds, sleep, until as waitUntil } from './bench-support';

const BLOBS = option('--blobs', 100_000, 2);
const TAGS = option('--tags', 10_000, 11);
const CONCURRENCY = option('--concurrency', 4);
const SECONDS = option('--seconds', 10);
const BLOBS_PER_MANIFEST = 100;
const ORG = 'benchgc';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function main(): Promise<void> {
  const dataDir = tempDir('swr-bench-gc-');
  const dbPort = await freePort();
  const registry = await startStandaloneRegistry(dataDir, {
    env: { SWR_DB_PORT: String(dbPort), SWR_GC_GRACE_SECONDS: '0', SWR_GC_EVERY_MINUTES: '1440', SWR_TOKEN_LIFETIME: '3600', SWR_FS_FSYNC: 'true' },
  });
  const basic = `Basic ${Buffer.from(`${registry.admin.username}:${registry.admin.password}`).toString('base64')}`;
  try {
    const token = await registryToken(registry.url, basic);
    const manage = await manageToken(registry.url, registry.admin.password);
    await pushImage(registry.url, token, `${ORG}/seed`, 'v0');

    const seedStart = performance.now();
    await seed(dataDir, dbPort);
    console.log(`seeded ${BLOBS} blobs (${BLOBS / 2} referenced by ${BLOBS / 2 / BLOBS_PER_MANIFEST} tagged manifests, ${BLOBS / 2} by nothing) in ${seconds(performance.now() - seedStart)}`);

    const without = await pushesFor(registry.url, token, 'quiet', { ms: SECONDS * 1000 });
    const run = (await (await fetch(`${registry.url}/v2/manage/gc/runs`, { method: 'POST', headers: { 'x-auth-token': manage, 'content-type': 'application/json' }, body: '{}' })).json()) as { id: string };
    let finished: Record<string, number | string> = {};
    const isRunning = async () => {
      finished = (await (await fetch(`${registry.url}/v2/manage/gc/runs/${run.id}`, { headers: { 'x-auth-token': manage } })).json()) as Record<string, number | string>;
      return finished.status === 'running';
    };
    const during = await pushesFor(registry.url, token, 'busy', { going: isRunning });
    await waitUntil('the collection', async () => !(await isRunning()), 600_000, 200);
    const durationMs = Number(finished.duration_ms);
    const retention = await retentionRun(registry.url, token, manage, dataDir, dbPort);
    console.table([
      { measure: 'collection', value: `${seconds(durationMs)}: ${finished.blobs_deleted} blobs deleted (${Number(finished.bytes_freed)} bytes), ${finished.links_removed} links removed, ${finished.manifests_deleted} manifests` },
      { measure: 'blobs freed per second', value: (Number(finished.blobs_deleted) / (durationMs / 1000)).toFixed(0) },
      { measure: `pushes/s without a collection (${CONCURRENCY} at a time)`, value: without.toFixed(1) },
      { measure: 'pushes/s during the collection', value: during.toFixed(1) },
      { measure: 'ratio (target ≥ 0.90)', value: (during / without).toFixed(2) },
      { measure: `retention over ${TAGS} tags (keep 10)`, value: `${seconds(retention.ms)} until ${TAGS - 10} removals were logged` },
      { measure: 'one client pushing into that repository: pushes/s without a run', value: retention.aloneRate.toFixed(1) },
      { measure: 'the same client: pushes/s during the run', value: retention.pushRate.toFixed(1) },
    ]);
  } finally {
    await registry.stop();
  }
}

/** Small images pushed `CONCURRENCY` at a time, for `ms`, or while `going` holds; pushes per second. */
async function pushesFor(url: string, token: string, prefix: string, until: { ms: number } | { going: () => Promise<boolean> }): Promise<number> {
  const start = performance.now();
  let pushes = 0;
  let active = true;
  const watcher =
    'ms' in until
      ? sleep(until.ms).then(() => (active = false))
      : (async () => {
          while (active && (await until.going())) await sleep(100);
          active = false;
        })();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      for (let n = 0; active; n++) {
        await pushImage(url, token, `${ORG}/${prefix}${w}`, `t${n}`);
        pushes += 1;
      }
    }),
  );
  await watcher;
  return pushes / ((performance.now() - start) / 1000);
}

async function pushImage(url: string, token: string, repository: string, tag: string): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') }));
  const layer = randomBytes(2048);
  for (const blob of [config, layer]) {
    const res = await fetch(`${url}/v2/${repository}/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: blob });
    if (res.status !== 201) throw new Error(`blob upload: ${res.status} ${await res.text()}`);
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
  });
  const res = await fetch(`${url}/v2/${repository}/manifests/${tag}`, { method: 'PUT', headers: { ...headers, 'content-type': OCI_MANIFEST }, body: manifest });
  if (res.status !== 201) throw new Error(`manifest push: ${res.status} ${await res.text()}`);
}

/** Blob files in the store, and their rows: half linked to one repository and referenced by tagged manifests, half by nothing. */
async function seed(dataDir: string, dbPort: number): Promise<void> {
  const digests = Array.from({ length: BLOBS }, () => randomBytes(32).toString('hex'));
  for (const hex of digests) {
    const dir = join(dataDir, 'blobs', 'blobs', 'sha256', hex.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, hex), randomBytes(100));
  }
  const password = readFileSync(join(dataDir, 'postgres', 'password'), 'utf8').trim();
  const db = new Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${dbPort}/postgres` });
  await db.connect();
  try {
    const [{ id: repositoryId }] = (await db.query('SELECT id FROM metadata.repository WHERE name = $1', [`${ORG}/seed`])).rows;
    const all = digests.map((hex) => `sha256:${hex}`);
    const referenced = all.slice(0, BLOBS / 2);
    for (let i = 0; i < all.length; i += 10_000) {
      await db.query('INSERT INTO metadata.blob (digest, size) SELECT unnest($1::text[]), 100', [all.slice(i, i + 10_000)]);
    }
    for (let i = 0; i < referenced.length; i += 10_000) {
      await db.query('INSERT INTO metadata.repository_blob (repository_id, digest) SELECT $1, unnest($2::text[])', [repositoryId, referenced.slice(i, i + 10_000)]);
    }
    for (let m = 0; m * BLOBS_PER_MANIFEST < referenced.length; m++) {
      const blobs = referenced.slice(m * BLOBS_PER_MANIFEST, (m + 1) * BLOBS_PER_MANIFEST);
      const content = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: blobs }));
      const { rows } = await db.query(
        'INSERT INTO metadata.manifest (repository_id, digest, media_type, content, size, total_size) VALUES ($1, $2, $3, $4, $5::integer, $5::integer) RETURNING id',
        [repositoryId, sha256(content), OCI_MANIFEST, content, content.length],
      );
      await db.query('INSERT INTO metadata.manifest_blob (manifest_id, digest) SELECT $1, unnest($2::text[])', [rows[0].id, blobs]);
      await db.query('INSERT INTO metadata.tag (repository_id, name, manifest_id) VALUES ($1, $2, $3)', [repositoryId, `seeded-${m}`, rows[0].id]);
    }
  } finally {
    await db.end();
  }
}

/** A repository of TAGS tags (seeded in the database, one manifest each, pushed a second apart), a keep-10 policy on it, and pushes into it while it applies. */
async function retentionRun(url: string, token: string, manage: string, dataDir: string, dbPort: number): Promise<{ ms: number; pushRate: number; aloneRate: number }> {
  const repository = `${ORG}/aged`;
  await pushImage(url, token, repository, 'seed');
  const password = readFileSync(join(dataDir, 'postgres', 'password'), 'utf8').trim();
  const db = new Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${dbPort}/postgres` });
  await db.connect();
  try {
    const [{ id: repositoryId }] = (await db.query('SELECT id FROM metadata.repository WHERE name = $1', [repository])).rows;
    const contents = Array.from({ length: TAGS }, (_, i) => JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [], n: i }));
    await db.query(
      `WITH m AS (
         INSERT INTO metadata.manifest (repository_id, digest, media_type, content, size, total_size)
         SELECT $1, d, $2, convert_to(c, 'UTF8'), length(c), length(c) FROM unnest($3::text[], $4::text[]) AS x(d, c) RETURNING id, digest
       )
       INSERT INTO metadata.tag (repository_id, name, manifest_id, updated_at)
       SELECT $1, 'old-' || row_number() OVER (ORDER BY m.id), m.id, now() - (row_number() OVER (ORDER BY m.id)) * interval '1 second' FROM m`,
      [repositoryId, OCI_MANIFEST, contents.map((c) => sha256(c)), contents],
    );
  } finally {
    await db.end();
  }
  const aloneStart = performance.now();
  let alone = 0;
  while (performance.now() - aloneStart < 5_000) {
    await pushImage(url, token, repository, `alone-${alone}`);
    alone += 1;
  }
  const aloneRate = alone / ((performance.now() - aloneStart) / 1000);
  const path = `${url}/v2/manage/namespaces/${ORG}/repos/aged/retentions`;
  const headers = { 'x-auth-token': manage, 'content-type': 'application/json' };
  const started = performance.now();
  const created = await fetch(path, { method: 'POST', headers, body: JSON.stringify({ algorithm: 'or', rules: [{ template: 'tag_rule', params: { num: '10' }, tag_selectors: [] }] }) });
  if (created.status !== 201) throw new Error(`retention policy: ${created.status} ${await created.text()}`);
  const logged = async () => ((await (await fetch(`${path}/histories?limit=1&offset=0`, { headers })).json()) as { total: number }).total;
  let ms = 0;
  let pushes = 0;
  const pushing = (async () => {
    for (let n = 0; ms === 0; n++) {
      await pushImage(url, token, repository, `during-${n}`);
      pushes += 1;
    }
  })();
  await waitUntil('the retention run', async () => (await logged()) >= TAGS - 10, 600_000, 100);
  ms = performance.now() - started;
  await pushing;
  return { ms, pushRate: pushes / (ms / 1000), aloneRate };
}

async function registryToken(url: string, basic: string): Promise<string> {
  const scopes = ['seed', 'aged', ...Array.from({ length: CONCURRENCY }, (_, w) => [`quiet${w}`, `busy${w}`]).flat()].map((r): [string, string] => ['scope', `repository:${ORG}/${r}:pull,push`]);
  const res = await fetch(`${url}/auth/token?${new URLSearchParams([['service', 'swr-registry'], ...scopes])}`, { headers: { authorization: basic } });
  return ((await res.json()) as { token: string }).token;
}

async function manageToken(url: string, password: string): Promise<string> {
  const res = await fetch(`${url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', password, domain: { name: 'swr' } } } }, scope: { project: { name: 'local-1' } } } }),
  });
  return res.headers.get('x-subject-token') as string;
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
