import { createHash } from 'node:crypto';
import { OciError } from './errors';

export type DigestAlgorithm = 'sha256' | 'sha512';

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

/** `algorithm:hex`, validated. Digests are compared as strings, so the hex must be lower case. */
export interface ParsedDigest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
  readonly digest: string;
}

const DIGEST_GRAMMAR = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

export function isDigestAlgorithm(value: string): value is DigestAlgorithm {
  return value === 'sha256' || value === 'sha512';
}

/**
 * Parses a digest string. Anything that is not a digest by the spec's grammar is DIGEST_INVALID;
 * a well-formed digest with an algorithm we do not implement is UNSUPPORTED.
 */
export function parseDigest(value: string): ParsedDigest {
  const match = DIGEST_GRAMMAR.exec(value);
  if (!match) throw new OciError('DIGEST_INVALID', 'invalid digest', { digest: value.slice(0, 200) });
  const [, algorithm, hex] = match;
  if (!isDigestAlgorithm(algorithm)) {
    throw new OciError('UNSUPPORTED', `digest algorithm ${algorithm} is not supported`, { digest: value.slice(0, 200) });
  }
  if (hex.length !== HEX_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) {
    throw new OciError('DIGEST_INVALID', `invalid ${algorithm} digest`, { digest: value.slice(0, 200) });
  }
  return { algorithm, hex, digest: value };
}

export function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function digestOf(data: Uint8Array | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}
