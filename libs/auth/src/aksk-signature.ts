import { createHash, createHmac } from 'node:crypto';
import { secretsEqual } from './login-key';

/**
 * Server-side verification of Huawei Cloud API Gateway "SDK-HMAC-SHA256" (AK/SK) signed requests,
 * as the official SDKs sign them (huaweicloud-sdk-core's `AKSKSigner`). Pure: no I/O, no clock
 * except the `now` the caller may leave to default.
 *
 *   canonical request = method \n canonical URI \n canonical query \n canonical headers \n
 *                       signed header names joined with ';' \n payload hash
 *   string to sign    = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex sha256(canonical request)
 *   signature         = hex HMAC-SHA256(SK, string to sign)
 */

export interface SignedRequest {
  readonly method: string;
  /** The raw path as received (percent-encoding preserved), without the query. */
  readonly path: string;
  /** The raw query string without '?', as received. */
  readonly query: string;
  /** Header names lower-case; values as received (string or string[]). */
  readonly headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes (empty buffer when none). */
  readonly body: Buffer;
}

export interface ParsedAuthorization {
  readonly accessKey: string;
  readonly signedHeaders: string[];
  readonly signature: string;
  readonly date: Date;
}

export class SignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureError';
  }
}

export const SDK_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';
/** How far the request's X-Sdk-Date may be from our clock, either way. */
export const MAX_CLOCK_SKEW_MINUTES = 15;

const DATE_HEADER = 'x-sdk-date';
const HOST_HEADER = 'host';
const CONTENT_SHA256_HEADER = 'x-sdk-content-sha256';
/** The SDK sends this, signed, for bodies that are not JSON (uploads): the body itself is then not signed. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Parses `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>` and
 * `X-Sdk-Date`. Undefined when the request is not AK/SK signed at all (no Authorization, or another
 * scheme); throws SignatureError when it is signed but malformed.
 */
export function parseSdkAuthorization(request: SignedRequest): ParsedAuthorization | undefined {
  const authorization = singleHeader(request, 'authorization');
  if (authorization === undefined) return undefined;
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(authorization.trim());
  if (!match || match[1] !== SDK_SIGNING_ALGORITHM) return undefined;

  const params = authorizationParams(match[2] ?? '');
  const accessKey = params.get('Access');
  if (!accessKey || /\s/.test(accessKey)) throw new SignatureError('the Authorization header has no valid Access');
  const signature = params.get('Signature')?.toLowerCase();
  if (!signature || !HEX_SHA256.test(signature)) {
    throw new SignatureError('the Authorization header has no valid Signature (64 hexadecimal digits)');
  }
  const signedHeaders = parseSignedHeaders(params.get('SignedHeaders'));

  const sdkDate = singleHeader(request, DATE_HEADER);
  if (sdkDate === undefined) throw new SignatureError('the signed request has no X-Sdk-Date header');
  const absent = signedHeaders.filter((name) => request.headers[name] === undefined);
  if (absent.length > 0) throw new SignatureError(`signed headers absent from the request: ${absent.join(', ')}`);
  return { accessKey, signedHeaders, signature, date: parseSdkDate(sdkDate.trim()) };
}

/**
 * True when `parsed.signature` is the HMAC-SHA256, keyed with `secretKey`, of this request's string
 * to sign (compared in constant time). Throws SignatureError when the request's date is more than
 * 15 minutes away from `now`, either way.
 *
 * A request whose signed `X-Sdk-Content-Sha256` is `UNSIGNED-PAYLOAD` verifies whatever its body is:
 * that is how the SDK signs non-JSON bodies. Any other value must be the SHA-256 of the body.
 */
export function verifySdkSignature(
  request: SignedRequest,
  parsed: ParsedAuthorization,
  secretKey: string,
  now: Date = new Date(),
): boolean {
  return signatureMatches(sdkStringsToSign(request, parsed, now), parsed.signature, secretKey);
}

/**
 * The strings to sign this request can stand for (the clock checked first; none when the body
 * does not match its signed hash). The request as sent admits at most two readings of its path and
 * of its header order (see below); each is the same request, so accepting a signature over either
 * widens nothing. Whoever holds the secret key checks the signature against them.
 */
export function sdkStringsToSign(request: SignedRequest, parsed: ParsedAuthorization, now: Date = new Date()): string[] {
  checkClockSkew(parsed.date, now);
  const payloadHash = payloadHashOf(request, parsed.signedHeaders);
  if (payloadHash === undefined) return [];
  const query = canonicalQueryString(request.query);
  const signedHeaderNames = parsed.signedHeaders.join(';');
  const head = `${SDK_SIGNING_ALGORITHM}\n${formatSdkDate(parsed.date)}\n`;
  return canonicalUris(request.path).flatMap((uri) =>
    canonicalHeaderBlocks(request, parsed.signedHeaders).map((headers) => head + sha256Hex([request.method, uri, query, headers, signedHeaderNames, payloadHash].join('\n'))),
  );
}

/** Whether `signature` is the HMAC-SHA256 of any of the strings with the secret key; every candidate is compared, in constant time. */
export function signatureMatches(stringsToSign: readonly string[], signature: string, secretKey: string): boolean {
  let valid = false;
  for (const stringToSign of stringsToSign) {
    if (secretsEqual(createHmac('sha256', secretKey).update(stringToSign).digest('hex'), signature)) valid = true;
  }
  return valid;
}

function singleHeader(request: SignedRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (!Array.isArray(value)) return value;
  if (value.length === 1) return value[0];
  throw new SignatureError(`the request has ${value.length} ${name} headers`);
}

function authorizationParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of text.split(',')) {
    const match = /^\s*(Access|SignedHeaders|Signature)=(\S*)\s*$/.exec(part);
    if (!match) throw new SignatureError(`malformed Authorization parameter '${part.trim()}'`);
    if (params.has(match[1])) throw new SignatureError(`the Authorization header repeats ${match[1]}`);
    params.set(match[1], match[2]);
  }
  return params;
}

function parseSignedHeaders(value: string | undefined): string[] {
  const names = value?.split(';') ?? [];
  if (names.length === 0 || names.some((name) => !HEADER_NAME.test(name))) {
    throw new SignatureError('SignedHeaders must be lower-case header names separated by ;');
  }
  if (new Set(names).size !== names.length) throw new SignatureError('SignedHeaders repeats a header');
  for (const required of [HOST_HEADER, DATE_HEADER]) {
    if (!names.includes(required)) throw new SignatureError(`SignedHeaders must include ${required}`);
  }
  return names;
}

/** Basic ISO 8601 in UTC, as the SDK writes it: 20261123T101500Z. */
function parseSdkDate(text: string): Date {
  const match = BASIC_DATE.exec(text);
  const date = match && new Date(Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5], +match[6]));
  if (!date || formatSdkDate(date) !== text) {
    throw new SignatureError(`X-Sdk-Date '${text}' is not a UTC date like 20261123T101500Z`);
  }
  return date;
}

function formatSdkDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function checkClockSkew(date: Date, now: Date): void {
  const skew = now.getTime() - date.getTime();
  if (Number.isNaN(skew)) throw new SignatureError('the request date or the current time is not a valid date');
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MINUTES * 60_000) {
    const minutes = Math.round(Math.abs(skew) / 60_000);
    const way = skew > 0 ? 'behind' : 'ahead of';
    throw new SignatureError(
      `the request's X-Sdk-Date is ${minutes} minutes off (${way} the server clock; at most ${MAX_CLOCK_SKEW_MINUTES} allowed)`,
    );
  }
}

/**
 * The SDK hashes the body unless the request carries X-Sdk-Content-Sha256, whose value it then
 * signs instead. Undefined when that value claims a hash the body does not have.
 */
function payloadHashOf(request: SignedRequest, signedHeaders: readonly string[]): string | undefined {
  const bodyHash = sha256Hex(request.body);
  if (!signedHeaders.includes(CONTENT_SHA256_HEADER)) return bodyHash;
  const declared = headerValue(request.headers[CONTENT_SHA256_HEADER]);
  if (declared === UNSIGNED_PAYLOAD) return declared;
  return declared.toLowerCase() === bodyHash ? declared : undefined;
}

/**
 * The SDK runs its endpoint + path through the legacy `url.parse` and encodes each '/'-separated
 * segment of the resulting pathname again (so '%24' is signed as '%2524', '$' as '%24'), then ends
 * the path with '/'. What reaches us went through WHATWG URL instead (axios), which differs from
 * `url.parse` in two ways that we undo here:
 * - `url.parse` escapes ' | ^ and WHATWG leaves them: we escape them as `url.parse` did;
 * - WHATWG UTF-8-escapes non-ASCII characters and `url.parse` leaves them raw, so an upper-case
 *   escape of a byte >= 0x80 is either a raw character of the SDK's path (escaped once in what it
 *   signed) or a literal escape the caller wrote (escaped twice): both readings are tried.
 */
function canonicalUris(rawPath: string): string[] {
  const asParsed = (rawPath === '' ? '/' : rawPath).replace(/['|^]/g, (char) => LEGACY_ESCAPES[char]);
  const segments = asParsed.split('/');
  const literal = withTrailingSlash(segments.map(sdkUriEncode).join('/'));
  const unicode = withTrailingSlash(
    segments
      .map((segment) =>
        segment
          .split(/(%[89A-F][0-9A-F])/)
          .map((piece, index) => (index % 2 === 1 ? piece : sdkUriEncode(piece)))
          .join(''),
      )
      .join('/'),
  );
  return unicode === literal ? [literal] : [unicode, literal];
}

const LEGACY_ESCAPES: Record<string, string> = { "'": '%27', '|': '%7C', '^': '%5E' };

function withTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/**
 * Keys sorted, values of a repeated key sorted (both by UTF-16 code units, as the SDK's
 * `Array.prototype.sort`), each `key=value` decoded from the query as sent (form decoding: '+' is a
 * space, as the server's own query parser reads it) and encoded again the SDK's way.
 */
function canonicalQueryString(rawQuery: string): string {
  const params = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = formDecode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : formDecode(pair.slice(equals + 1));
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  return [...params.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, values]) => values.sort().map((value) => `${sdkUriEncode(key)}=${sdkUriEncode(value)}`))
    .join('&');
}

/**
 * `name:value\n` for each signed header, values trimmed. The SDK lists SignedHeaders in code-unit
 * order but writes the canonical headers in `localeCompare` order; the two differ only for unusual
 * names (an '_' against a '-'), in which case both orders are tried.
 */
function canonicalHeaderBlocks(request: SignedRequest, signedHeaders: readonly string[]): string[] {
  const block = (names: readonly string[]) =>
    names.map((name) => `${name}:${headerValue(request.headers[name])}\n`).join('');
  const listed = block(signedHeaders);
  const collated = block([...signedHeaders].sort((a, b) => a.localeCompare(b)));
  return collated === listed ? [listed] : [listed, collated];
}

function headerValue(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.map((item) => item.trim()).join(',') : value.trim();
}

/** The SDK's `urlEncode`: UTF-8, every byte but A-Z a-z 0-9 - . _ ~ as upper-case %XX. */
function sdkUriEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}

/** '+' as a space, runs of valid %XX escapes as UTF-8 bytes; anything else (a stray '%') kept as is. */
function formDecode(text: string): string {
  return text
    .replace(/\+/g, ' ')
    .replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
