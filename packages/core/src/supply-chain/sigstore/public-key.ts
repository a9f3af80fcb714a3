import { createPublicKey, type KeyObject } from 'node:crypto';
import { SekishoError } from '../../errors.js';

/** A PEM public key (SPKI `PUBLIC KEY`, or PKCS#1 `RSA PUBLIC KEY`), as text or bytes. */
export type PublicKeyInput = string | Uint8Array;

const MAX_PEM_BYTES = 64 * 1024;
const MIN_RSA_BITS = 2048;
const SUPPORTED_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

function fail(message: string, cause?: unknown): never {
  throw new SekishoError('VERIFY_INPUT', `public key: ${message}`, { cause });
}

/**
 * Parses a verification key and refuses what cosign would not verify with: private keys
 * (node would quietly derive their public half), certificates, curves other than
 * P-256/P-384/P-521, RSA below 2048 bits, and algorithms outside ECDSA/Ed25519/RSA.
 */
export function parsePublicKey(input: PublicKeyInput): KeyObject {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  if (text.length > MAX_PEM_BYTES) fail(`larger than ${MAX_PEM_BYTES} bytes`);
  const label = /-----BEGIN ([A-Z0-9 ]{1,40})-----/.exec(text)?.[1];
  if (label === undefined) fail('no PEM block found');
  if (label !== 'PUBLIC KEY' && label !== 'RSA PUBLIC KEY') {
    fail(label.includes('PRIVATE') ? 'a private key was given where a public key is expected' : `unexpected PEM block "${label}"`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (error) {
    fail(`does not parse: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === undefined || !SUPPORTED_CURVES.has(curve)) fail(`unsupported elliptic curve ${curve ?? 'unknown'}`);
      return key;
    }
    case 'ed25519':
      return key;
    case 'rsa':
    case 'rsa-pss': {
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) fail(`RSA key of ${bits} bits is below ${MIN_RSA_BITS}`);
      return key;
    }
    default:
      fail(`unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

/** Whether two public keys are the same key (compared as DER SubjectPublicKeyInfo). */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ format: 'der', type: 'spki' }).equals(b.export({ format: 'der', type: 'spki' }));
}
