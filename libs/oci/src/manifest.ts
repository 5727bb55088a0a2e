import { digestOf, DigestAlgorithm, parseDigest } from './digest';
import { OciError } from './errors';
import { isNonDistributableLayer, isValidMediaType, ManifestKind, manifestKindOf, MediaType } from './media-types';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Record<string, unknown>;
}

/** What the registry needs to know about a manifest to store it and answer referrers queries. */
export interface ParsedManifest {
  readonly mediaType: string;
  readonly kind: ManifestKind;
  readonly digest: string;
  readonly size: number;
  /** Blobs that must be present in the repository (config and distributable layers). */
  readonly blobs: readonly string[];
  /** Child manifests that must be present in the repository (entries of an index). */
  readonly manifests: readonly string[];
  readonly subject?: Descriptor;
  /** As the referrers API reports it: `artifactType`, else the config media type of an image manifest. */
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
}

const invalid = (message: string, detail?: unknown) => new OciError('MANIFEST_INVALID', message, detail);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAnnotations(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid(`${where}: annotations must be a map of strings`);
  }
  return value as Record<string, string>;
}

export function parseDescriptor(value: unknown, where: string): Descriptor {
  if (!isPlainObject(value)) throw invalid(`${where}: descriptor must be an object`);
  const { mediaType, digest, size, urls, artifactType, platform } = value;
  if (typeof mediaType !== 'string' || !isValidMediaType(mediaType)) throw invalid(`${where}: invalid mediaType`);
  if (typeof digest !== 'string') throw invalid(`${where}: digest is required`);
  try {
    parseDigest(digest);
  } catch {
    throw invalid(`${where}: invalid digest`, { digest: digest.slice(0, 200) });
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}: size must be a non-negative integer`);
  if (urls !== undefined && (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string'))) throw invalid(`${where}: urls must be strings`);
  if (artifactType !== undefined && (typeof artifactType !== 'string' || !isValidMediaType(artifactType))) {
    throw invalid(`${where}: invalid artifactType`);
  }
  if (platform !== undefined && !isPlainObject(platform)) throw invalid(`${where}: platform must be an object`);
  const descriptor: Descriptor = { mediaType, digest, size };
  if (urls !== undefined) descriptor.urls = urls as string[];
  const annotations = parseAnnotations(value.annotations, where);
  if (annotations) descriptor.annotations = annotations;
  if (artifactType !== undefined) descriptor.artifactType = artifactType as string;
  if (platform !== undefined) descriptor.platform = platform as Record<string, unknown>;
  return descriptor;
}

function parseDescriptorList(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array`);
  return value.map((entry, i) => parseDescriptor(entry, `${where}[${i}]`));
}

/**
 * Decides the manifest's media type from the request's Content-Type and the document's own
 * `mediaType`: when both are present they must agree; at least one must name a manifest type.
 */
function resolveMediaType(contentType: string | undefined, declared: unknown): { mediaType: string; kind: ManifestKind } {
  if (declared !== undefined && typeof declared !== 'string') throw invalid('mediaType must be a string');
  const header = contentType?.split(';')[0].trim().toLowerCase() || undefined;
  if (declared === MediaType.DockerSchema1 || declared === MediaType.DockerSchema1Signed || header === MediaType.DockerSchema1 || header === MediaType.DockerSchema1Signed) {
    throw new OciError('MANIFEST_INVALID', 'Docker image manifest schema 1 is not supported');
  }
  const mediaType = declared ?? header;
  if (mediaType === undefined) throw invalid('manifest media type is not given');
  if (declared !== undefined && header !== undefined && header !== declared && manifestKindOf(header)) {
    throw invalid('Content-Type does not match the manifest mediaType', { contentType: header, mediaType: declared });
  }
  const kind = manifestKindOf(mediaType);
  if (!kind) throw invalid('unknown manifest media type', { mediaType: mediaType.slice(0, 200) });
  return { mediaType, kind };
}

/** Validates a manifest or index exactly as pushed and extracts what it references. */
export function parseManifest(body: Buffer, contentType: string | undefined, algorithm: DigestAlgorithm = 'sha256'): ParsedManifest {
  if (body.length > MAX_MANIFEST_BYTES) throw new OciError('PAYLOAD_TOO_LARGE', `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid('manifest is not valid JSON');
  }
  if (!isPlainObject(doc)) throw invalid('manifest must be a JSON object');
  if (doc.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  const { mediaType, kind } = resolveMediaType(contentType, doc.mediaType);
  const annotations = parseAnnotations(doc.annotations, 'manifest');
  const subject = doc.subject === undefined ? undefined : parseDescriptor(doc.subject, 'subject');
  if (doc.artifactType !== undefined && (typeof doc.artifactType !== 'string' || !isValidMediaType(doc.artifactType))) {
    throw invalid('invalid artifactType');
  }
  const common = { mediaType, kind, digest: digestOf(body, algorithm), size: body.length, subject, annotations };

  if (kind === 'index') {
    const manifests = parseDescriptorList(doc.manifests, 'manifests');
    return { ...common, blobs: [], manifests: manifests.map((m) => m.digest), artifactType: doc.artifactType as string | undefined };
  }

  const config = parseDescriptor(doc.config, 'config');
  const layers = parseDescriptorList(doc.layers ?? [], 'layers');
  if (doc.layers === undefined && mediaType === MediaType.DockerManifest) throw invalid('layers is required');
  const blobs = [config.digest, ...layers.filter((l) => !(isNonDistributableLayer(l.mediaType) && l.urls?.length)).map((l) => l.digest)];
  return {
    ...common,
    blobs: [...new Set(blobs)],
    manifests: [],
    artifactType: (doc.artifactType as string | undefined) ?? config.mediaType,
  };
}
