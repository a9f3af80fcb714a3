/**
 * Signature verification over a digest the caller already has (`verify-blob sha256:<hex>`).
 * node:crypto (and WebCrypto) only verify over a message they hash themselves, so the prehashed
 * case goes to audited libraries that take a digest:
 * - ECDSA over P-256/P-384/P-521: @noble/curves (`verify(sig, digest, point, { prehash: false })`),
 *   SEC 1 v2 §4.1.4 with the digest truncated to the order's bit length; DER signatures
 *   (RFC 3279 §2.2.3), high-S accepted as OpenSSL and Go accept it.
 * - RSA PKCS#1 v1.5 (RFC 8017 §8.2.2): node-forge's RSA public operation and type-1 unpadding,
 *   compared with the whole expected EMSA-PKCS1-v1_5 encoding (DigestInfo with this hash's OID),
 *   the comparison §8.2.2 step 4 prescribes rather than a parse of the decoded value.
 * - RSA-PSS (RFC 8017 §9.1.2 EMSA-PSS-VERIFY): node-forge's PSS with MGF1 over the same hash and
 *   the key's salt length (hLen when the key does not fix one, as sigstore keys do).
 * Ed25519 signs the message itself (RFC 8032 §5.1.6): a digest alone can never verify it.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { lazyModule } from '../../util/lazy-module.js';

const nist = lazyModule<typeof import('@noble/curves/nist.js')>('@noble/curves/nist.js');
const sigstoreCore = lazyModule<typeof import('@sigstore/core')>('@sigstore/core');
const nodeForge = lazyModule<typeof forge>('node-forge');

export type PrehashAlgorithm = 'sha256' | 'sha384' | 'sha512';

const DIGEST_LENGTH: Readonly<Record<PrehashAlgorithm, number>> = { sha256: 32, sha384: 48, sha512: 64 };

// RFC 8017 §9.2 note 1: DER of DigestInfo up to the digest bytes.
const DIGEST_INFO_PREFIX: Readonly<Record<PrehashAlgorithm, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

const FORGE_DIGESTS: Readonly<Record<PrehashAlgorithm, () => forge.md.MessageDigest>> = {
  sha256: () => nodeForge().md.sha256.create(),
  sha384: () => nodeForge().md.sha384.create(),
  sha512: () => nodeForge().md.sha512.create(),
};

const binary = (bytes: Uint8Array): string => Buffer.from(bytes).toString('binary');

function verifyEcdsaPrehashed(key: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const jwk = key.export({ format: 'jwk' });
  const { p256, p384, p521 } = nist();
  const curve = jwk.crv === 'P-256' ? p256 : jwk.crv === 'P-384' ? p384 : jwk.crv === 'P-521' ? p521 : undefined;
  if (curve === undefined || jwk.x === undefined || jwk.y === undefined) return false;
  // SEC 1 §2.3.3 uncompressed point: 0x04 ‖ X ‖ Y.
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  try {
    return curve.verify(signature, digest, point, { prehash: false, format: 'der', lowS: false });
  } catch {
    return false; // not DER, or a length noble refuses outright
  }
}

/**
 * The modulus and exponent of an RSA or RSA-PSS key as a forge key. Node exports JWK only for
 * rsaEncryption keys; an id-RSASSA-PSS SubjectPublicKeyInfo holds the same PKCS#1 RSAPublicKey
 * in its BIT STRING, re-read here as an rsaEncryption key.
 */
function forgeKey(key: KeyObject): forge.pki.rsa.PublicKey {
  let rsa = key;
  if (key.asymmetricKeyType === 'rsa-pss') {
    const spki = sigstoreCore().ASN1Obj.parseBuffer(key.export({ format: 'der', type: 'spki' }));
    const bitString = spki.subs[1]?.value;
    if (bitString?.[0] !== 0) throw new RangeError('malformed RSA-PSS public key');
    rsa = createPublicKey({ key: Buffer.from(bitString.subarray(1)), format: 'der', type: 'pkcs1' });
  }
  const jwk = rsa.export({ format: 'jwk' });
  if (jwk.n === undefined || jwk.e === undefined) throw new RangeError('RSA key without modulus or exponent');
  const forgeLib = nodeForge();
  const big = (b64: string) => new forgeLib.jsbn.BigInteger(Buffer.from(b64, 'base64url').toString('hex'), 16);
  return forgeLib.pki.setRsaPublicKey(big(jwk.n), big(jwk.e));
}

function verifyRsaPkcs1Prehashed(key: KeyObject, algorithm: PrehashAlgorithm, digest: Uint8Array, signature: Uint8Array): boolean {
  const expected = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[algorithm], 'hex'), digest]);
  try {
    // Scheme NONE: RSA public operation and strict type-1 unpadding, then equality with `expected`.
    return forgeKey(key).verify(binary(expected), binary(signature), 'NONE');
  } catch {
    return false;
  }
}

function verifyRsaPssPrehashed(key: KeyObject, algorithm: PrehashAlgorithm, digest: Uint8Array, signature: Uint8Array): boolean {
  const saltLength = key.asymmetricKeyDetails?.saltLength ?? DIGEST_LENGTH[algorithm];
  const forgeLib = nodeForge();
  const pss = forgeLib.pss.create({ md: FORGE_DIGESTS[algorithm](), mgf: forgeLib.mgf.mgf1.create(FORGE_DIGESTS[algorithm]()), saltLength });
  try {
    return forgeKey(key).verify(binary(digest), binary(signature), pss);
  } catch {
    return false;
  }
}

/**
 * Verifies `signature` over a message whose `algorithm` digest is `digest`.
 * Returns false for a signature that does not verify; `undefined` when the key type cannot
 * verify a prehashed message at all (Ed25519, Ed448).
 */
export function verifyPrehashed(key: KeyObject, algorithm: PrehashAlgorithm, digest: Uint8Array, signature: Uint8Array): boolean | undefined {
  if (digest.length !== DIGEST_LENGTH[algorithm]) return false;
  switch (key.asymmetricKeyType) {
    case 'ec':
      return verifyEcdsaPrehashed(key, digest, signature);
    case 'rsa':
      return verifyRsaPkcs1Prehashed(key, algorithm, digest, signature);
    case 'rsa-pss':
      return verifyRsaPssPrehashed(key, algorithm, digest, signature);
    default:
      return undefined;
  }
}
