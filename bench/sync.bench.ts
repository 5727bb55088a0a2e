// Image sync between two local deployments (standalone, the filesystem store with fsync): --images
// images (20 by default) of two incompressible layers each, --mib MiB in all (1024 by default), in a
// repository of region 1, copied to region 2 by region 1's sync worker (a manual sync of every tag)
// or by `skopeo sync` between the same two registries. Each copy has images of its own, seeded just
// before it and copied into a new organization, so that neither copier finds blobs to skip or mount;
// which goes first alternates over --rounds rounds. Prints each copy's time and MiB/s, and the ratio.
// Usage: node dist/bench/sync.bench.js [--images N] [--mib N] [--rounds N]
import { run, startStandaloneRegistry, tempDir, type RegistryUnderTest } from '@swr/testing';
import { createHash, randomBytes } from 'node:crypto';
import { option, seconds, until } from './bench-support';

const IMAGES = option('--images', 20);
const MIB = option('--mib', 1024);
const ROUNDS = option('--rounds', 3);
const ORG = 'benchsync';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const basic = (registry: RegistryUnderTest) => `Basic ${Buffer.from(`${registry.admin.username}:${registry.admin.password}`).toString('base64')}`;

async function registryToken(registry: RegistryUnderTest, scope: string): Promise<string> {
  const res = await fetch(`${registry.url}/auth/token?service=swr-registry&scope=${encodeURIComponent(scope)}`, { headers: { authorization: basic(registry) } });
  return ((await res.json()) as { token: string }).token;
}

async function manageToken(registry: RegistryUnderTest): Promise<string> {
  const [account, user] = registry.admin.username.split('/');
  const res = await fetch(`${registry.url}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, password: registry.admin.password, domain: { name: account } } } }, scope: { project: { name: 'local-1' } } } }),
  });
  return res.headers.get('x-subject-token') as string;
}

async function pushBlob(registry: RegistryUnderTest, token: string, repo: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(data);
  const res = await fetch(`${registry.url}/v2/${ORG}/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: data });
  if (res.status !== 201) throw new Error(`blob push: ${res.status} ${await res.text()}`);
  return { digest, size: data.length };
}

/** The images to copy: two random layers each, so that nothing compresses or deduplicates. */
async function seed(region1: RegistryUnderTest, repo: string): Promise<string[]> {
  const token = await registryToken(region1, `repository:${ORG}/${repo}:pull,push`);
  const layerBytes = Math.floor((MIB * 1024 * 1024) / IMAGES / 2);
  const tags: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const config = await pushBlob(region1, token, repo, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', image: i })));
    const layers = [await pushBlob(region1, token, repo, randomBytes(layerBytes)), await pushBlob(region1, token, repo, randomBytes(layerBytes))];
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
    });
    const tag = `v${i}`;
    const res = await fetch(`${region1.url}/v2/${ORG}/${repo}/manifests/${tag}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': OCI_MANIFEST }, body: manifest });
    if (res.status !== 201) throw new Error(`manifest push: ${res.status}`);
    tags.push(tag);
  }
  return tags;
}

/** Region 1's sync worker: a manual sync of every tag, timed until every job has ended. */
async function ourSync(region1: RegistryUnderTest, repo: string, tags: string[], remoteNamespace: string): Promise<number> {
  const manage = await manageToken(region1);
  const headers = { 'x-auth-token': manage, 'content-type': 'application/json' };
  const jobsUrl = `${region1.url}/v2/manage/namespaces/${ORG}/repos/${repo}/sync_job?filter=${encodeURIComponent('limit::1000|offset::0')}`;
  const started = performance.now();
  const res = await fetch(`${region1.url}/v2/manage/namespaces/${ORG}/repos/${repo}/sync_images`, { method: 'POST', headers, body: JSON.stringify({ imageTag: tags, remoteRegionId: 'region-2', remoteNamespace }) });
  if (res.status !== 200) throw new Error(`sync_images: ${res.status} ${await res.text()}`);
  let mine: Array<{ status: string; detail: string }> = [];
  await until('the sync jobs', async () => {
    const jobs = (await (await fetch(jobsUrl, { headers })).json()) as Array<{ status: string; detail: string; remoteNamespace: string }>;
    mine = jobs.filter((j) => j.remoteNamespace === remoteNamespace);
    return mine.length === tags.length && mine.every((j) => !['waiting', 'running'].includes(j.status));
  }, 1_800_000, 100);
  const ms = performance.now() - started;
  const failed = mine.filter((j) => j.status !== 'success');
  if (failed.length) throw new Error(`sync jobs did not succeed: ${JSON.stringify(failed.slice(0, 3))}`);
  return ms;
}

async function skopeoSync(region1: RegistryUnderTest, region2: RegistryUnderTest, repo: string, remoteNamespace: string): Promise<number> {
  const creds = (r: RegistryUnderTest) => `${r.admin.username}:${r.admin.password}`;
  const started = performance.now();
  const result = await run(
    'skopeo',
    ['sync', '--src', 'docker', '--dest', 'docker', '--src-tls-verify=false', '--dest-tls-verify=false', '--src-creds', creds(region1), '--dest-creds', creds(region2), `${new URL(region1.url).host}/${ORG}/${repo}`, `${new URL(region2.url).host}/${remoteNamespace}`],
    process.env,
    1_800_000,
  );
  if (result.code !== 0) throw new Error(`skopeo sync failed: ${result.stderr}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const peerKey = randomBytes(32).toString('base64');
  const fsync = { SWR_FS_FSYNC: 'true', SWR_TOKEN_LIFETIME: '3600' };
  const region2 = await startStandaloneRegistry(tempDir('swr-bench-region2-'), { env: { ...fsync, SWR_SYNC_PEER_KEY: peerKey } });
  const region1 = await startStandaloneRegistry(tempDir('swr-bench-region1-'), { env: { ...fsync, SWR_SYNC_PEER_KEY: peerKey, SWR_SYNC_REGIONS: `region-2=${region2.url}` } });
  try {
    const rows: Array<Record<string, string>> = [];
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order = round % 2 === 1 ? (['ours', 'skopeo'] as const) : (['skopeo', 'ours'] as const);
      for (const who of order) {
        const repo = `${who}${round}`;
        const seeding = performance.now();
        const tags = await seed(region1, repo);
        console.log(`round ${round}: seeded ${IMAGES} images, ${MIB} MiB, into ${ORG}/${repo} in ${seconds(performance.now() - seeding)}`);
        const ms = who === 'ours' ? await ourSync(region1, repo, tags, `to${repo}`) : await skopeoSync(region1, region2, repo, `to${repo}`);
        (who === 'ours' ? ours : theirs).push(ms);
        rows.push({ round: String(round), copier: who === 'ours' ? 'sync worker' : 'skopeo sync', time: seconds(ms), 'MiB/s': (MIB / (ms / 1000)).toFixed(1) });
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
    console.table(rows);
    const [o, s] = [median(ours), median(theirs)];
    console.table([
      { copier: 'sync worker (median)', time: seconds(o), 'MiB/s': (MIB / (o / 1000)).toFixed(1) },
      { copier: 'skopeo sync (median)', time: seconds(s), 'MiB/s': (MIB / (s / 1000)).toFixed(1) },
      { copier: 'ratio, skopeo time / ours (target ≥ 1.0)', time: (s / o).toFixed(2), 'MiB/s': '' },
    ]);
  } finally {
    await Promise.all([region1.stop(), region2.stop()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
