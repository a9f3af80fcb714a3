import { createHash } from 'node:crypto';
import { SekishoError } from '../errors.js';
import type { ErrorWhere } from '../errors.js';

const ALGORITHMS: Record<string, { readonly node: string; readonly hexLength: number }> = {
  sha256: { node: 'sha256', hexLength: 64 },
  sha512: { node: 'sha512', hexLength: 128 },
};

/** Split `alg:hex`, refusing algorithms and encodings Sekisho cannot verify. */
export function parseDigest(digest: string, where: ErrorWhere = {}): { algorithm: string; hex: string } {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const spec = ALGORITHMS[algorithm];
  if (colon <= 0 || spec === undefined || hex.length !== spec.hexLength || !/^[0-9a-f]+$/.test(hex)) {
    throw new SekishoError('SOURCE_INVALID', `unsupported or malformed digest ${JSON.stringify(digest.slice(0, 100))}`, { where });
  }
  return { algorithm, hex };
}

export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  const spec = ALGORITHMS[algorithm];
  if (spec === undefined) throw new SekishoError('SOURCE_INVALID', `unsupported digest algorithm ${algorithm}`);
  return `${algorithm}:${createHash(spec.node).update(bytes).digest('hex')}`;
}

export function verifyDigest(bytes: Uint8Array, expected: string, what: string, where: ErrorWhere): void {
  const { algorithm } = parseDigest(expected, where);
  const actual = digestOf(bytes, algorithm);
  if (actual !== expected) {
    throw new SekishoError('INTEGRITY_DIGEST_MISMATCH', `${what} digest mismatch: expected ${expected}, got ${actual}`, { where });
  }
}

/** Path of a blob in an OCI image layout. */
export function blobPath(digest: string, where: ErrorWhere = {}): string {
  const { algorithm, hex } = parseDigest(digest, where);
  return `blobs/${algorithm}/${hex}`;
}
