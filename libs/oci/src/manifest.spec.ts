import { digestOf } from './digest';
import { MAX_MANIFEST_BYTES, parseManifest } from './manifest';
import { MediaType } from './media-types';

const d = (seed: string) => digestOf(seed);
const desc = (mediaType: string, seed: string, size = 10) => ({ mediaType, digest: d(seed), size });
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return undefined;
};

const dockerImage = {
  schemaVersion: 2,
  mediaType: MediaType.DockerManifest,
  config: desc('application/vnd.docker.container.image.v1+json', 'config'),
  layers: [desc('application/vnd.docker.image.rootfs.diff.tar.gzip', 'layer1'), desc('application/vnd.docker.image.rootfs.diff.tar.gzip', 'layer2')],
};

describe('parseManifest', () => {
  it('extracts the blobs of a Docker image manifest and hashes the exact bytes', () => {
    const body = Buffer.from(JSON.stringify(dockerImage, null, 3));
    const parsed = parseManifest(body, MediaType.DockerManifest);
    expect(parsed.kind).toBe('image');
    expect(parsed.digest).toBe(digestOf(body));
    expect(parsed.size).toBe(body.length);
    expect(parsed.blobs).toEqual([d('config'), d('layer1'), d('layer2')]);
    expect(parsed.manifests).toEqual([]);
  });

  it('extracts child manifests of an OCI index and of a Docker manifest list', () => {
    for (const mediaType of [MediaType.OciIndex, MediaType.DockerManifestList]) {
      const parsed = parseManifest(json({ schemaVersion: 2, mediaType, manifests: [desc(MediaType.OciManifest, 'amd64'), desc(MediaType.OciManifest, 'arm64')] }), mediaType);
      expect(parsed.kind).toBe('index');
      expect(parsed.manifests).toEqual([d('amd64'), d('arm64')]);
    }
  });

  it('reads an OCI artifact with subject and artifactType, taking the media type from Content-Type when the body omits it', () => {
    const parsed = parseManifest(
      json({
        schemaVersion: 2,
        artifactType: 'application/vnd.example.sbom',
        config: desc(MediaType.OciEmpty, 'empty', 2),
        layers: [desc('application/json', 'sbom')],
        subject: desc(MediaType.OciManifest, 'image'),
        annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
      }),
      MediaType.OciManifest,
    );
    expect(parsed.mediaType).toBe(MediaType.OciManifest);
    expect(parsed.artifactType).toBe('application/vnd.example.sbom');
    expect(parsed.subject?.digest).toBe(d('image'));
    expect(parsed.annotations).toEqual({ 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' });
  });

  it('falls back to the config media type as the artifact type', () => {
    const parsed = parseManifest(json({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: desc('application/vnd.example.config', 'c'), layers: [] }), undefined);
    expect(parsed.artifactType).toBe('application/vnd.example.config');
  });

  it('does not require foreign layers to be present', () => {
    const foreign = { ...desc(MediaType.DockerForeignLayer, 'windows'), urls: ['https://example.com/layer'] };
    const parsed = parseManifest(json({ ...dockerImage, layers: [foreign, ...dockerImage.layers] }), MediaType.DockerManifest);
    expect(parsed.blobs).not.toContain(d('windows'));
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), MediaType.OciManifest],
    ['a JSON array', json([]), MediaType.OciManifest],
    ['schemaVersion 1', json({ ...dockerImage, schemaVersion: 1 }), MediaType.DockerManifest],
    ['schema 1 media type', json({ schemaVersion: 1, name: 'a/b', tag: 'x', fsLayers: [] }), MediaType.DockerSchema1Signed],
    ['an unknown media type', json({ ...dockerImage, mediaType: 'application/vnd.example+json' }), 'application/vnd.example+json'],
    ['no media type at all', json({ schemaVersion: 2, config: dockerImage.config, layers: [] }), undefined],
    ['Content-Type disagreeing with mediaType', json(dockerImage), MediaType.OciManifest],
    ['a missing config', json({ schemaVersion: 2, mediaType: MediaType.OciManifest, layers: [] }), MediaType.OciManifest],
    ['a bad layer digest', json({ ...dockerImage, layers: [{ ...dockerImage.layers[0], digest: 'sha256:zz' }] }), MediaType.DockerManifest],
    ['a negative size', json({ ...dockerImage, layers: [{ ...dockerImage.layers[0], size: -1 }] }), MediaType.DockerManifest],
    ['a fractional size', json({ ...dockerImage, layers: [{ ...dockerImage.layers[0], size: 1.5 }] }), MediaType.DockerManifest],
    ['index manifests not an array', json({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: {} }), MediaType.OciIndex],
    ['non-string annotations', json({ ...dockerImage, annotations: { a: 1 } }), MediaType.DockerManifest],
  ])('refuses %s with MANIFEST_INVALID', (_why, body, contentType) => {
    expect(codeOf(() => parseManifest(body, contentType))).toBe('MANIFEST_INVALID');
  });

  it('refuses a manifest over 4 MiB', () => {
    const huge = json({ ...dockerImage, annotations: { pad: 'x'.repeat(MAX_MANIFEST_BYTES) } });
    expect(codeOf(() => parseManifest(huge, MediaType.DockerManifest))).toBe('PAYLOAD_TOO_LARGE');
  });
});
