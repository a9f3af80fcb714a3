/**
 * Key-based signing of a blob into a sigstore bundle (v0.3, message signature, public-key hint),
 * for closed loops without Fulcio or Rekor: the result verifies with `verifyBlob` given the public
 * key and `tlog: 'if-present'` (cosign: `verify-blob --key … --insecure-ignore-tlog`).
 * Bundle format: sigstore/protobuf-specs protos/sigstore_bundle.proto.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { lazyModule } from '../../util/lazy-module.js';
import { SekishoError } from '../../errors.js';
import { parsePublicKey } from './public-key.js';
import type { PrehashAlgorithm } from './prehash.js';

const sigstoreBundle = lazyModule<typeof import('@sigstore/bundle')>('@sigstore/bundle');

export interface SignBlobOptions {
  /** PEM private key: PKCS#8 (`PRIVATE KEY`), SEC 1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`), unencrypted. */
  readonly key: string | Uint8Array;
  readonly artifact: Uint8Array;
}

export interface SignBlobResult {
  /** The bundle as JSON bytes. */
  readonly bundle: Uint8Array;
  /** The matching public key (SPKI PEM), for verification. */
  readonly publicKey: string;
}

const MAX_PEM_BYTES = 64 * 1024;
const PROTO_HASH: Readonly<Record<PrehashAlgorithm, string>> = { sha256: 'SHA2_256', sha384: 'SHA2_384', sha512: 'SHA2_512' };

function fail(message: string, cause?: unknown): never {
  throw new SekishoError('VERIFY_INPUT', `signing key: ${message}`, { cause });
}

function parsePrivateKey(input: string | Uint8Array): KeyObject {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  if (text.length > MAX_PEM_BYTES) fail(`larger than ${MAX_PEM_BYTES} bytes`);
  const label = /-----BEGIN ([A-Z0-9 ]{1,40})-----/.exec(text)?.[1];
  if (label === undefined) fail('no PEM block found');
  if (label.startsWith('ENCRYPTED')) {
    fail(`encrypted keys (${label}) are not supported yet: decrypt it first (e.g. openssl pkcs8)`);
  }
  if (label !== 'PRIVATE KEY' && label !== 'EC PRIVATE KEY' && label !== 'RSA PRIVATE KEY') fail(`unexpected PEM block "${label}"`);
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch (error) {
    fail('does not parse', error);
  }
}

/** Hash for the message digest and the signature, as sigstore's PublicKeyDetails pair them. */
function hashFor(key: KeyObject): PrehashAlgorithm {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'secp384r1') return 'sha384';
  if (key.asymmetricKeyType === 'ec' && curve === 'secp521r1') return 'sha512';
  return 'sha256';
}

export function signBlob(options: SignBlobOptions): SignBlobResult {
  const privateKey = parsePrivateKey(options.key);
  const publicPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
  // Same acceptance rules as verification: no point in signing what we would refuse to verify.
  const publicKey = parsePublicKey(publicPem);
  const algorithm = hashFor(privateKey);
  const pure = publicKey.asymmetricKeyType === 'ed25519';
  const signature = sign(pure ? null : algorithm, options.artifact, privateKey);
  const digest = createHash(algorithm).update(options.artifact).digest();
  const hint = createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('base64');
  const bundle = {
    mediaType: sigstoreBundle().BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint }, tlogEntries: [] },
    messageSignature: {
      messageDigest: { algorithm: PROTO_HASH[algorithm], digest: digest.toString('base64') },
      signature: signature.toString('base64'),
    },
  };
  return { bundle: Buffer.from(`${JSON.stringify(bundle)}\n`), publicKey: publicPem };
}
