// Many small images pushed by skopeo, a few at a time: what a push pays per blob (token, HEAD,
// POST, PUT, link) rather than per byte. Images are OCI layouts written here, so nothing is pulled.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** Writes `count` OCI layouts under `dir`, each an image of a config and `layers` small gzip layers; returns their paths. */
export function writeSmallImages(dir, count, layers = 3) {
  return Array.from({ length: count }, (_, i) => {
    const layout = join(dir, `image-${i}`);
    mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
    const blob = (data) => {
      const hex = sha256(data);
      writeFileSync(join(layout, 'blobs', 'sha256', hex), data);
      return { digest: `sha256:${hex}`, size: data.length };
    };
    const layerBlobs = Array.from({ length: layers }, () => blob(gzipSync(randomBytes(2_000 + Math.floor(Math.random() * 30_000)))));
    const config = blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(8).toString('hex') })));
    const manifest = blob(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: layerBlobs.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
        }),
      ),
    );
    writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    writeFileSync(
      join(layout, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'v1' } }] }),
    );
    return layout;
  });
}

function skopeo(args) {
  return new Promise((ok, fail) => {
    const child = spawn('skopeo', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`skopeo ${args.join(' ')}: ${err}`))));
  });
}

/** Seconds for skopeo to copy every layout to `host` under `prefix-<n>:v1`, `concurrency` at a time. */
export async function pushSmallImages(layouts, host, prefix, { concurrency = 4, creds } = {}) {
  const queue = layouts.map((layout, i) => [layout, i]);
  const t = performance.now();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [layout, i] = next;
      await skopeo(['copy', '--dest-tls-verify=false', ...(creds ? ['--dest-creds', creds] : []), `oci:${layout}:v1`, `docker://${host}/${prefix}-${i}:v1`]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - t) / 1000;
}
