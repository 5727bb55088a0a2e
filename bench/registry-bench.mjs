// Side-by-side benchmark of our standalone registry and the CNCF Distribution registry (Debian's
// docker-registry, 2.8) on loopback. Blob bytes move with curl (faster than either server; its
// ceiling is printed), beside the machine's limits: the disk's fdatasync write speed and SHA-256
// in Node. The Node client's figures are kept, labelled. Prints, for each workload, the median and
// the spread of interleaved rounds for both, and their ratio.
// With --distributed, ours is the distributed registry instead of standalone (S3 blobs on the S3
// server from npm): pushed through one gateway, pulled through another, and pulled once more
// through a gateway that redirects blob GETs to presigned S3 URLs; the S3 server's own speed is
// measured in every round, printed with the limits, and each transfer is printed as a fraction of
// it too. Distribution runs on the filesystem for every workload, and for the blob transfers also on
// the same S3 server as ours, with a second Distribution on the same storage answering blob GETs
// with redirects, as our redirecting gateway does: the like-for-like reference for S3 blobs.
// Every push sends new content (new digests), so that none finds its blob stored already, and
// starts with the page cache written back, so that none waits for the writes of the one before;
// so do the pulls of a pushed blob.
// Usage: node bench/registry-bench.mjs [--rounds N] [--distributed]
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { curlCeilings, curlChunkedPush, curlPull, curlPush, diskWriteSpeed, s3Ceilings, sha256Speed } from './byte-paths.mjs';
import { pushSmallImages, writeSmallImages } from './small-images.mjs';
import { standaloneNodeEnv, standaloneNodeFlags } from './standalone-node-flags.mjs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const MiB = 1024 * 1024;
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const distributed = process.argv.includes('--distributed');
const children = new Set();
const BENCH_PASSWORD = 'bench-admin-password';
// V8's memory reducer gives back the young generation ~16 s after the last request here: a process
// measured at 15 s is read either side of it.
const REST_MS = 30_000;
/** Authorization header per registry URL: ours needs a token, Distribution here runs without auth. */
const authorization = new Map();
const authHeaders = (base) => (authorization.has(base) ? { authorization: authorization.get(base) } : {});
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

function launch(command, args, env = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (c) => (log = (log + c).slice(-20000)));
  children.add(child);
  child.log = () => log;
  return child;
}

async function waitUp(url, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`exited: ${child.log()}`);
    try {
      // Up: answering /v2/, with 200 (no auth) or with a 401 challenge (token auth).
      const res = await fetch(`${url}/v2/`);
      if (res.ok || res.status === 401) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function startOurs() {
  const port = await freePort();
  const dataDir = tempDir('swr-bench-');
  const child = launch(process.execPath, [...standaloneNodeFlags(), join(ROOT, 'dist/apps/standalone/main.js')], {
    ...standaloneNodeEnv(),
    SWR_PORT: String(port),
    SWR_DATA_DIR: dataDir,
    SWR_LOG_LEVEL: 'warn',
    SWR_ADMIN_PASSWORD: BENCH_PASSWORD,
    SWR_TOKEN_LIFETIME: '7200',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUp(url, child);
  await signIn(url, [url], 'swr/admin', BENCH_PASSWORD);
  return { name: 'SWR standalone', url, pullUrl: url, creds: `swr/admin:${BENCH_PASSWORD}`, pid: child.pid, stop: () => stop(child, dataDir, 'SIGINT') };
}

/** The distributed registry (bench/distributed-registry.ts): its gateways and admin, once it is up. */
async function startOursDistributed() {
  const child = spawn(process.execPath, [join(ROOT, 'dist/bench/distributed-registry.js')], {
    env: { ...process.env, SWR_TOKEN_LIFETIME: '7200' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const line = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('\n')) ok(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => fail(new Error(`the distributed registry exited (${code})`)));
  });
  const { admin, gateways, redirecting, s3 } = JSON.parse(line);
  const [push, pull] = gateways;
  await signIn(push.url, [push.url, pull.url, redirecting.url], admin.username, admin.password);
  return {
    name: 'SWR distributed (S3)',
    url: push.url,
    pullUrl: pull.url,
    redirectUrl: redirecting.url,
    creds: `${admin.username}:${admin.password}`,
    pid: pull.pid,
    s3,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      children.delete(child);
    },
  };
}

/** One token for every repository the benchmark touches, fetched as docker would, for each of `urls`. */
async function signIn(url, urls, username, password) {
  const scopes = ['bench/seed', ...Array.from({ length: rounds }, (_, i) => ['', '-chunked', '-node', '-node-chunked'].map((suffix) => `bench/round${i}${suffix}`)).flat()];
  const query = new URLSearchParams([['service', 'swr-registry'], ...scopes.map((name) => ['scope', `repository:${name}:pull,push`])]);
  const basic = Buffer.from(`${username}:${password}`).toString('base64');
  const { token } = await (await fetch(`${url}/auth/token?${query}`, { headers: { authorization: `Basic ${basic}` } })).json();
  for (const each of urls) authorization.set(each, `Bearer ${token}`);
}

/**
 * Debian's Distribution, on the filesystem; or with `s3`, on that S3 server with a twin on the same
 * storage that answers blob GETs with redirects to presigned S3 URLs (`redirectUrl`), as
 * Distribution does on S3 by default.
 */
async function startDistribution({ s3 } = {}) {
  const dir = tempDir('distribution-bench-');
  const storage = s3
    ? // Moves an upload to its blob with one CopyObject up to 5 GiB: the S3 server here cannot copy a part (UploadPartCopy), which Distribution does above 32 MiB by default.
      `s3: { accesskey: ${s3.accessKey}, secretkey: ${s3.secretKey}, region: us-east-1, regionendpoint: "http://${s3.endPoint}:${s3.port}", bucket: ${s3.bucket}, rootdirectory: /distribution-bench, secure: false, v4auth: true, multipartcopythresholdsize: 5368709120 }`
    : `filesystem: { rootdirectory: ${join(dir, 'data')} }`;
  // The AWS SDK in Distribution fails at start on a CA bundle named in the environment of a plain-HTTP endpoint.
  const env = { AWS_CA_BUNDLE: '' };
  const serve = async (name, redirect) => {
    const port = await freePort();
    const config = join(dir, `${name}.yml`);
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log: { level: error, accesslog: { disabled: true } }',
        `storage: { ${storage}, delete: { enabled: true }, cache: { blobdescriptor: inmemory }, redirect: { disable: ${!redirect} } }`,
        `http: { addr: 127.0.0.1:${port} }`,
      ].join('\n'),
    );
    const child = launch('docker-registry', ['serve', config], env);
    const url = `http://127.0.0.1:${port}`;
    await waitUp(url, child);
    return { child, url };
  };
  const main = await serve('config', false);
  const redirecting = s3 ? await serve('redirecting', true) : undefined;
  return {
    name: s3 ? 'Distribution 2.8 on the S3 server' : 'Distribution 2.8',
    url: main.url,
    pullUrl: main.url,
    redirectUrl: redirecting?.url,
    // Only blob transfers are compared on S3: the other workloads compare against Distribution on the filesystem.
    transfersOnly: Boolean(s3),
    pid: main.child.pid,
    stop: async () => {
      if (redirecting) await stop(redirecting.child, undefined, 'SIGTERM');
      await stop(main.child, dir, 'SIGTERM');
    },
  };
}

async function stop(child, dir, signal) {
  child.kill(signal);
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  children.delete(child);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One request; the body (if any) is written in `slice`-sized writes; the response body is counted, not kept. */
function send(base, method, path, { body, headers = {}, keep = false, slice = MiB } = {}) {
  const url = new URL(path, base);
  return new Promise((ok, fail) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, agent, headers: { ...authHeaders(base), ...headers, 'content-length': body ? body.length : 0 } }, (res) => {
      const chunks = [];
      let bytes = 0;
      res.on('data', (c) => {
        bytes += c.length;
        if (keep) chunks.push(c);
      });
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, bytes, body: keep ? Buffer.concat(chunks) : undefined }));
      res.on('error', fail);
    });
    req.on('error', fail);
    if (body) {
      let offset = 0;
      const pump = () => {
        while (offset < body.length) {
          const piece = body.subarray(offset, offset + slice);
          offset += piece.length;
          if (!req.write(piece)) return req.once('drain', pump);
        }
        req.end();
      };
      pump();
    } else req.end();
  });
}

function expectStatus(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.body ?? ''}`);
  return res;
}

const sha256 = (data) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Peak resident set size of a process while `work` runs, sampled every 20 ms. */
async function withPeakRss(pid, work) {
  let peak = rssOf(pid);
  const sample = () => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {}
  };
  const timer = setInterval(sample, 20);
  try {
    const result = await work();
    return { result, peak };
  } finally {
    clearInterval(timer);
    sample();
  }
}

async function monolithicPush(registry, name, blob) {
  const start = expectStatus(await send(registry.url, 'POST', `/v2/${name}/blobs/uploads/`), 202, 'start upload');
  const location = new URL(start.headers.location, registry.url);
  location.searchParams.set('digest', sha256(blob));
  const t = performance.now();
  expectStatus(await send(registry.url, 'PUT', location.pathname + location.search, { body: blob, headers: { 'content-type': 'application/octet-stream' } }), 201, 'monolithic put');
  return blob.length / 1e6 / ((performance.now() - t) / 1000);
}

async function pull(registry, name, digest, size) {
  const t = performance.now();
  const res = expectStatus(await send(registry.pullUrl, 'GET', `/v2/${name}/blobs/${digest}`), 200, 'pull');
  if (res.bytes !== size) throw new Error(`pulled ${res.bytes} of ${size} bytes`);
  return size / 1e6 / ((performance.now() - t) / 1000);
}

/** Chunks of `chunkSize`, each written by the client in one call. */
async function chunkedPush(registry, name, blob, chunkSize) {
  const t = performance.now();
  const start = expectStatus(await send(registry.url, 'POST', `/v2/${name}/blobs/uploads/`), 202, 'start upload');
  let location = new URL(start.headers.location, registry.url);
  for (let offset = 0; offset < blob.length; offset += chunkSize) {
    const chunk = blob.subarray(offset, offset + chunkSize);
    const res = expectStatus(
      await send(registry.url, 'PATCH', location.pathname + location.search, {
        body: chunk,
        slice: chunk.length,
        headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + chunk.length - 1}` },
      }),
      202,
      'patch',
    );
    location = new URL(res.headers.location, registry.url);
  }
  location.searchParams.set('digest', sha256(blob));
  expectStatus(await send(registry.url, 'PUT', location.pathname + location.search), 201, 'close chunked upload');
  return blob.length / 1e6 / ((performance.now() - t) / 1000);
}

/** Requests per second at concurrency 32, measured by wrk (C, so the load generator costs little CPU), and how many it made. */
function wrk(url, method, headers, seconds = 5) {
  const script = join(tempDir('wrk-'), 'request.lua');
  writeFileSync(script, `wrk.method = "${method}"\n${Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`).join('\n')}\n`);
  const out = execFileSync('wrk', ['-t2', '-c32', `-d${seconds}s`, '-s', script, url], { encoding: 'utf8' });
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) throw new Error(`${url}: ${non2xx[1]} failed responses`);
  return { rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), requests: Number(/(\d+) requests in/.exec(out)[1]) };
}

/** HEAD at concurrency 32, measured by ApacheBench: wrk waits for a body that a HEAD answer never has. */
function abHead(url, headers, requests = 30000) {
  const out = execFileSync('ab', ['-q', '-k', '-i', '-c', '32', '-n', String(requests), ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url], { encoding: 'utf8' });
  const failed = Number(/Failed requests:\s+(\d+)/.exec(out)[1]);
  const non2xx = /Non-2xx responses:\s+(\d+)/.exec(out);
  if (failed || non2xx) throw new Error(`${url}: ${failed} failed, ${non2xx?.[1] ?? 0} non-2xx responses`);
  return { rate: Number(/Requests per second:\s+([\d.]+)/.exec(out)[1]), requests };
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/**
 * A process's CPU time so far (user + system, every thread), and that of its children that have
 * ended and been waited for, in microseconds, from its `/proc` stat.
 */
function cpuTimes(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const micros = (user, system) => ((Number(fields[user]) + Number(fields[system])) * 1e6) / CLOCK_TICKS;
  return { own: micros(11, 12), endedChildren: micros(13, 14) };
}

const cpuMicros = (pid) => cpuTimes(pid).own;

/** Around a workload whose only children are its clients: their own CPU. */
const endedChildrenCpuMicros = () => cpuTimes('self').endedChildren;

/** The CPU time of a process and of every process below it (standalone's PostgreSQL and its backends), in microseconds. */
function treeCpuMicros(root) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      parents.set(Number(entry), Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]));
    } catch {
      // Gone since the listing.
    }
  }
  const below = (pid) => [...parents].filter(([, parent]) => parent === pid).flatMap(([child]) => [child, ...below(child)]);
  let total = 0;
  for (const pid of [root, ...below(root)]) {
    try {
      total += cpuMicros(pid);
    } catch {
      // Gone since the listing: a backend that ended took its CPU time with it, which this undercounts.
    }
  }
  return total;
}

/**
 * A load run's rate, and the server's CPU per request (its process tree: our PostgreSQL records the
 * batched download counts of reads): what the request costs the server whatever the load generator
 * and the machine's mood, which move the rates of both servers from run to run.
 */
function measured(pid, run) {
  const before = treeCpuMicros(pid);
  const { rate, requests } = run();
  return { rate, cpuPerRequest: (treeCpuMicros(pid) - before) / requests };
}

function rssOf(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
}

async function seedManifest(registry, name) {
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const layer = randomBytes(4096);
  for (const blob of [config, layer]) {
    const start = await send(registry.url, 'POST', `/v2/${name}/blobs/uploads/`);
    const location = new URL(start.headers.location, registry.url);
    location.searchParams.set('digest', sha256(blob));
    expectStatus(await send(registry.url, 'PUT', location.pathname + location.search, { body: blob, keep: true }), 201, 'seed blob');
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  expectStatus(await send(registry.url, 'PUT', `/v2/${name}/manifests/latest`, { body: manifest, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' } }), 201, 'seed manifest');
  return { layerDigest: sha256(layer) };
}

/**
 * Writes everything still in the page cache to disk before a push is timed. Distribution never
 * flushes, so the hundreds of MiB it has just taken are still being written back when the next
 * push starts: a registry that flushes its blobs would wait for those writes too, and be timed
 * for Distribution's deferred work.
 */
function settleDisk() {
  execFileSync('sync');
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values, digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

/** The benchmark's blobs as files for curl: the whole 256 MiB, and the first 64 MiB in 5 MiB chunks. */
function writeBlobFiles(dir, big, chunkedSize, chunkSize) {
  const file = join(dir, 'big.bin');
  writeFileSync(file, big);
  const chunks = [];
  for (let offset = 0; offset < chunkedSize; offset += chunkSize) {
    const length = Math.min(chunkSize, chunkedSize - offset);
    const chunkFile = join(dir, `chunk-${offset}.bin`);
    writeFileSync(chunkFile, big.subarray(offset, offset + length));
    chunks.push({ file: chunkFile, length });
  }
  return { file, chunks };
}

async function main() {
  const big = randomBytes(256 * MiB);
  const chunked = big.subarray(0, 64 * MiB);
  const files = tempDir('swr-bench-files-');
  const { file, chunks } = writeBlobFiles(files, big, chunked.length, 5 * MiB);
  const digests = { big: sha256(big), chunked: sha256(chunked) };
  /**
   * New content (and digests) before every push, so that no push finds its blob stored already:
   * a registry may skip writing a blob it has, and a round after the first would measure that.
   * And the page cache written back, so that the push does not wait for the writes before it.
   */
  const freshen = () => {
    randomFillSync(big, 0, 16);
    for (const path of [file, chunks[0].file]) {
      const fd = openSync(path, 'r+');
      writeSync(fd, big, 0, 16, 0);
      closeSync(fd);
    }
    digests.big = sha256(big);
    digests.chunked = sha256(chunked);
    settleDisk();
  };

  const limits = { 'curl pull ceiling (MB/s)': [], 'curl push ceiling (MB/s)': [], 'disk write + fdatasync (MB/s)': [], 'SHA-256 in Node (MB/s)': [] };
  for (let round = 0; round < 3; round++) {
    const ceilings = await curlCeilings(file, big);
    limits['curl pull ceiling (MB/s)'].push(ceilings.pull);
    limits['curl push ceiling (MB/s)'].push(ceilings.push);
    limits['disk write + fdatasync (MB/s)'].push(await diskWriteSpeed(files, big));
    limits['SHA-256 in Node (MB/s)'].push(sha256Speed(big));
  }

  const registries = [distributed ? await startOursDistributed() : await startOurs(), await startDistribution()];
  if (distributed) registries.push(await startDistribution({ s3: registries[0].s3 }));
  /** Every workload runs on these; the blob transfers also on the rest. */
  const compared = registries.filter((r) => !r.transfersOnly);
  const results = new Map(registries.map((r) => [r.name, {}]));
  const record = (registry, metric, value) => ((results.get(registry.name)[metric] ??= []).push(value));
  /**
   * The distributed registry's transfers as fractions of the S3 server's own speed, measured in
   * each round just before them: the machine's speed moves from minute to minute, so each transfer
   * is read against the ceiling measured beside it rather than one taken at the start.
   */
  const ofS3 = {};
  const recordOfS3 = (metric, value, ceiling) => (ofS3[metric] ??= []).push(value / ceiling);

  for (const registry of compared) {
    registry.seed = await seedManifest(registry, 'bench/seed');
    record(registry, 'RSS just after start and a first push (MiB)', rssOf(registry.pid) / MiB);
  }
  // At rest is idle for a while: V8 gives back its young generation's room some seconds after a
  // process goes idle, as it would on any registry left alone between pushes (REST_MS).
  await new Promise((resolve) => setTimeout(resolve, REST_MS));
  for (const registry of compared) record(registry, `RSS at rest, ${REST_MS / 1000} s idle (MiB)`, rssOf(registry.pid) / MiB);

  for (let round = 0; round < rounds; round++) {
    // Interleaved: each round runs the transfers on every registry, alternating who goes first.
    const order = round % 2 === 0 ? registries : [...registries].reverse();
    for (const registry of order) {
      const name = `bench/round${round}`;
      const auth = authorization.get(registry.url);
      const s3 = registry.s3 && (await s3Ceilings(registry.s3, file, big.length));
      if (s3) {
        for (const [limit, value] of [['S3 server: curl PUT, presigned (MB/s)', s3.push], ['S3 server: curl GET, presigned (MB/s)', s3.pull], ['S3 server: multipart, 8 MiB parts, 3 at a time, minio client (MB/s)', s3.multipart]]) {
          (limits[limit] ??= []).push(value);
        }
      }
      const transfers = await withPeakRss(registry.pid, async () => {
        freshen();
        const push = await curlPush(registry.url, auth, name, file, digests.big, big.length);
        record(registry, 'curl: push 256 MiB, POST + PUT (MB/s)', push);
        // The pulls read what the push just wrote, without the writeback of it on the disk beside them:
        // else a slower push, whose writes were flushed as it went, would leave its pulls a quieter disk.
        settleDisk();
        const pulled = await curlPull(registry.pullUrl, auth, name, digests.big, big.length);
        record(registry, 'curl: pull 256 MiB (MB/s)', pulled);
        if (distributed) {
          // Distribution on the filesystem serves this one itself.
          const via = registry.redirectUrl ?? registry.url;
          const redirected = await curlPull(via, auth, name, digests.big, big.length, { follow: true });
          record(registry, 'curl: pull 256 MiB, following a redirect to S3 (MB/s)', redirected);
          if (s3) recordOfS3('curl: pull 256 MiB, following a redirect to S3 / S3 GET', redirected, s3.pull);
        }
        if (s3) {
          // A body of a declared length goes to S3 in one streamed PUT; one sent in chunks, as a multipart upload.
          recordOfS3('curl: push 256 MiB / S3 PUT', push, s3.push);
          recordOfS3('curl: pull 256 MiB through a gateway / S3 GET', pulled, s3.pull);
        }
        freshen();
        const chunkedSpeed = await curlChunkedPush(registry.url, auth, `${name}-chunked`, chunks, digests.chunked, chunked.length);
        record(registry, 'curl: chunked push 64 MiB in 5 MiB PATCHes (MB/s)', chunkedSpeed);
        if (s3) recordOfS3('curl: chunked push 64 MiB in 5 MiB PATCHes / S3 multipart', chunkedSpeed, s3.multipart);
        if (registry.transfersOnly) return;
        freshen();
        record(registry, 'node client: push 256 MiB, 1 MiB writes (MB/s)', await monolithicPush(registry, `${name}-node`, big));
        record(registry, 'node client: pull 256 MiB, data events (MB/s)', await pull(registry, `${name}-node`, digests.big, big.length));
        freshen();
        record(registry, 'node client: chunked push 64 MiB, one write per 5 MiB chunk (MB/s)', await chunkedPush(registry, `${name}-node-chunked`, chunked, 5 * MiB));
      });
      record(registry, 'peak RSS during transfers (MiB)', transfers.peak / MiB);
    }
  }
  for (let round = 0; round < 3; round++) {
    const order = round % 2 === 0 ? compared : [...compared].reverse();
    for (const registry of order) {
      // Fresh images every time: nothing of them is in the registry yet.
      const layouts = writeSmallImages(join(files, `small-${round}-${registry.pid}`), 20);
      const host = new URL(registry.url).host;
      settleDisk();
      const before = treeCpuMicros(registry.pid);
      const clientBefore = endedChildrenCpuMicros();
      record(registry, 'skopeo: 20 small images (3 layers), 4 at a time (s, lower is better)', await pushSmallImages(layouts, host, `bench/small-${round}`, { creds: registry.creds }));
      const clientCpu = endedChildrenCpuMicros() - clientBefore;
      if (!distributed) record(registry, 'skopeo: server CPU per image, with its PostgreSQL (ms, lower is better)', (treeCpuMicros(registry.pid) - before) / 1000 / layouts.length);
      // The client shares the machine's two cores with the server: its CPU bounds what a faster server can gain.
      record(registry, "skopeo: skopeo's own CPU per image (ms)", clientCpu / 1000 / layouts.length);
    }
  }
  for (let round = 0; round < 3; round++) {
    const order = round % 2 === 0 ? compared : [...compared].reverse();
    for (const registry of order) {
      const reads = registry.pullUrl;
      const gets = measured(registry.pid, () => wrk(`${reads}/v2/bench/seed/manifests/latest`, 'GET', { Accept: 'application/vnd.docker.distribution.manifest.v2+json', ...authHeaders(reads) }));
      const heads = measured(registry.pid, () => abHead(`${reads}/v2/bench/seed/blobs/${registry.seed.layerDigest}`, authHeaders(reads)));
      record(registry, 'manifest GET by tag, c=32 (req/s)', gets.rate);
      record(registry, 'blob HEAD, c=32 (req/s)', heads.rate);
      // The distributed registry's work is spread over processes: only the serving gateway's would be counted.
      if (!distributed) {
        record(registry, 'manifest GET: server CPU per request (µs, lower is better)', gets.cpuPerRequest);
        record(registry, 'blob HEAD: server CPU per request (µs, lower is better)', heads.cpuPerRequest);
      }
    }
  }
  await Promise.all(registries.map((r) => r.stop()));
  rmSync(files, { recursive: true, force: true });

  console.log(`\nthe machine's limits (median and range of 3${distributed ? `; of ${rounds} for the S3 server` : ''}), ${new Date().toISOString()}`);
  console.table(Object.entries(limits).map(([limit, values]) => ({ limit, median: median(values).toFixed(0), range: spread(values) })));
  const comparison = (theirs) => {
    const [ours, reference] = [registries[0], theirs].map((r) => results.get(r.name));
    return Object.keys(reference)
      .filter((metric) => metric in ours)
      .map((metric) => ({
        metric,
        ours: median(ours[metric]).toFixed(1),
        'ours range': spread(ours[metric]),
        [theirs.name]: median(reference[metric]).toFixed(1),
        [`${theirs.name} range`]: spread(reference[metric]),
        ratio: `${(median(ours[metric]) / median(reference[metric])).toFixed(2)}x`,
      }));
  };
  console.log(`\nmedian and range of ${rounds} interleaved rounds (3 for skopeo pushes and request rates; GET by wrk, HEAD by ab), loopback`);
  console.table(comparison(registries[1]));
  if (distributed) {
    console.log(`\nblob transfers against Distribution on the same S3 server, its redirects answered by a second Distribution on the same storage (median and range of ${rounds} interleaved rounds)`);
    console.table(comparison(registries[2]));
    console.log(`\nthe distributed registry's transfers as a fraction of the S3 server's own speed, measured just before them in the same round (median and range of ${rounds})`);
    console.table(Object.entries(ofS3).map(([metric, values]) => ({ metric, median: median(values).toFixed(2), range: spread(values, 2) })));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
