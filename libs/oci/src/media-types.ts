export const MediaType = {
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  DockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export type ManifestKind = 'image' | 'index';

const MANIFEST_KINDS: Record<string, ManifestKind> = {
  [MediaType.DockerManifest]: 'image',
  [MediaType.OciManifest]: 'image',
  [MediaType.DockerManifestList]: 'index',
  [MediaType.OciIndex]: 'index',
};

export function manifestKindOf(mediaType: string): ManifestKind | undefined {
  return MANIFEST_KINDS[mediaType];
}

/** RFC 6838 `type/subtype` with optional suffix; parameters are not allowed in descriptors. */
const MEDIA_TYPE_GRAMMAR = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export function isValidMediaType(value: string): boolean {
  return MEDIA_TYPE_GRAMMAR.test(value);
}

/** Layers that live elsewhere (foreign / non-distributable): a registry need not hold them. */
export function isNonDistributableLayer(mediaType: string): boolean {
  return mediaType === MediaType.DockerForeignLayer || mediaType.startsWith('application/vnd.oci.image.layer.nondistributable.');
}
