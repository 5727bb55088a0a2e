import type { AddressInfo } from 'node:net';

/** The fields of a Koa context the test S3 server's middleware uses. */
export interface KoaContext {
  readonly method: string;
  readonly path: string;
  query: Record<string, unknown>;
  status: number;
  type: string;
  body: unknown;
  get(header: string): string;
  set(header: string, value: string): void;
}

export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** s3rver is a Koa application without type declarations; this is the part of it used here. */
export interface S3rver {
  readonly middleware: KoaMiddleware[];
  readonly store: S3rverStore;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** The part of s3rver's filesystem store used here. */
export interface S3rverStore {
  deleteObject(bucket: string, key: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putPart(bucket: string, uploadId: string, partNumber: string, content: unknown): Promise<{ size: number; md5: string }>;
  getResourcePath(bucket: string, key: string, resourceType: string): string;
}

/** The object of a PUT, as s3rver's controller hands it to its store. */
export interface S3rverObject {
  readonly bucket: string;
  readonly key: string;
  readonly content: unknown;
  readonly metadata: Record<string, string>;
}

/** The bucket a path names, when it names a bucket alone (`/<bucket>` or `/<bucket>/`). */
export function bucketOf(path: string): string | undefined {
  return /^\/([a-z0-9.-]+)\/?$/.exec(path)?.[1];
}

const XML_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
const XML_ESCAPES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(XML_ENTITIES).map(([name, char]) => [char, `&${name};`]));

export function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => XML_ENTITIES[name]);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>"'&]/g, (char) => XML_ESCAPES[char]);
}

/** An S3 answer in XML. */
export function answerXml(ctx: KoaContext, status: number, xml: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
}
