/**
 * Signature verification over a digest the caller already has (`verify-blob sha256:<hex>`).
 * node:crypto only verifies over a message it hashes itself, so the prehashed case is done here:
 * - ECDSA: SEC 1 v2 §4.1.4 (verification) over the NIST curves of FIPS 186-4 / SEC 2 §2.4.2, 2.5.1, 2.6.1.
 * - RSA PKCS#1 v1.5: RFC 8017 §8.2.2 — the public operation is node's (`publicDecrypt`), the
 *   DigestInfo comparison (§9.2, note 1) is ours.
 * - RSA-PSS: RFC 8017 §9.1.2 (EMSA-PSS-VERIFY) over the raw public operation.
 * Ed25519 signs the message itself (RFC 8032 §5.1.6), so a digest alone can never verify it.
 * Only public values are involved, so constant-time arithmetic is not needed.
 */
import { constants, createHash, createPublicKey, publicDecrypt, type KeyObject } from 'node:crypto';
import { ASN1Obj } from '@sigstore/core';

export type PrehashAlgorithm = 'sha256' | 'sha384' | 'sha512';

interface Curve {
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly gx: bigint;
  readonly gy: bigint;
  readonly bits: number;
}

const CURVES: Readonly<Record<string, Curve>> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bits: 256,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bits: 384,
  },
  'P-521': {
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    n: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
    gx: 0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n,
    gy: 0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n,
    bits: 521,
  },
};

type Point = { readonly x: bigint; readonly y: bigint } | null;

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function invert(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  return mod(oldS, m);
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (P === null) return Q;
  if (Q === null) return P;
  let lambda: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    lambda = mod((3n * P.x * P.x + c.a) * invert(2n * P.y, c.p), c.p);
  } else {
    lambda = mod((Q.y - P.y) * invert(Q.x - P.x, c.p), c.p);
  }
  const x = mod(lambda * lambda - P.x - Q.x, c.p);
  return { x, y: mod(lambda * (P.x - x) - P.y, c.p) };
}

/** u1·G + u2·Q by interleaved double-and-add (Shamir's trick). */
function twinMultiply(c: Curve, u1: bigint, G: Point, u2: bigint, Q: Point): Point {
  const GQ = add(c, G, Q);
  let R: Point = null;
  const top = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = top - 1; i >= 0; i--) {
    R = add(c, R, R);
    const b1 = (u1 >> BigInt(i)) & 1n;
    const b2 = (u2 >> BigInt(i)) & 1n;
    if (b1 === 1n && b2 === 1n) R = add(c, R, GQ);
    else if (b1 === 1n) R = add(c, R, G);
    else if (b2 === 1n) R = add(c, R, Q);
  }
  return R;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (RFC 3279 §2.2.3 Ecdsa-Sig-Value). */
function parseDerSignature(sig: Uint8Array): { r: bigint; s: bigint } | undefined {
  let pos = 0;
  const readLength = (): number | undefined => {
    const first = sig[pos++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    if (first !== 0x81) return undefined; // signatures up to P-521 stay below 256 bytes
    const len = sig[pos++];
    return len !== undefined && len >= 0x80 ? len : undefined;
  };
  const readInteger = (): bigint | undefined => {
    if (sig[pos++] !== 0x02) return undefined;
    const len = readLength();
    if (len === undefined || len === 0 || pos + len > sig.length) return undefined;
    const body = sig.subarray(pos, pos + len);
    pos += len;
    if ((body[0] ?? 0) & 0x80) return undefined; // negative
    if (len > 1 && body[0] === 0 && ((body[1] ?? 0) & 0x80) === 0) return undefined; // not minimal
    return bytesToBigInt(body);
  };
  if (sig[pos++] !== 0x30) return undefined;
  const seqLen = readLength();
  if (seqLen === undefined || pos + seqLen !== sig.length) return undefined;
  const r = readInteger();
  const s = readInteger();
  if (r === undefined || s === undefined || pos !== sig.length) return undefined;
  return { r, s };
}

function verifyEcdsaPrehashed(key: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const jwk = key.export({ format: 'jwk' });
  const curve = jwk.crv === undefined ? undefined : CURVES[jwk.crv];
  if (curve === undefined || jwk.x === undefined || jwk.y === undefined) return false;
  const Q = { x: bytesToBigInt(Buffer.from(jwk.x, 'base64url')), y: bytesToBigInt(Buffer.from(jwk.y, 'base64url')) };
  const parsed = parseDerSignature(signature);
  if (parsed === undefined) return false;
  const { r, s } = parsed;
  if (r < 1n || r >= curve.n || s < 1n || s >= curve.n) return false;
  // SEC 1 §4.1.4 step 5: the leftmost bits(n) bits of the hash.
  let e = bytesToBigInt(digest);
  const excess = digest.length * 8 - curve.bits;
  if (excess > 0) e >>= BigInt(excess);
  const w = invert(s, curve.n);
  const R = twinMultiply(curve, mod(e * w, curve.n), { x: curve.gx, y: curve.gy }, mod(r * w, curve.n), Q);
  return R !== null && mod(R.x, curve.n) === r;
}

// RFC 8017 §9.2 note 1: DER of DigestInfo up to the digest bytes.
const DIGEST_INFO_PREFIX: Readonly<Record<PrehashAlgorithm, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function verifyRsaPkcs1Prehashed(key: KeyObject, algorithm: PrehashAlgorithm, digest: Uint8Array, signature: Uint8Array): boolean {
  let decoded: Buffer;
  try {
    decoded = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  const expected = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[algorithm], 'hex'), digest]);
  return decoded.equals(expected);
}

function mgf1(hash: PrehashAlgorithm, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * OpenSSL refuses the raw RSA operation on an id-RSASSA-PSS key; the same modulus and exponent
 * as an rsaEncryption key do it. SubjectPublicKeyInfo's BIT STRING holds the PKCS#1 RSAPublicKey.
 */
function asPlainRsa(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa-pss') return key;
  const spki = ASN1Obj.parseBuffer(key.export({ format: 'der', type: 'spki' }));
  const bitString = spki.subs[1]?.value;
  if (bitString === undefined || bitString[0] !== 0) throw new RangeError('malformed RSA-PSS public key');
  return createPublicKey({ key: Buffer.from(bitString.subarray(1)), format: 'der', type: 'pkcs1' });
}

function verifyRsaPssPrehashed(key: KeyObject, algorithm: PrehashAlgorithm, digest: Uint8Array, signature: Uint8Array): boolean {
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (modulusBits === undefined) return false;
  const saltLength = key.asymmetricKeyDetails?.saltLength;
  let em: Buffer;
  try {
    em = publicDecrypt({ key: asPlainRsa(key), padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  // RSA_NO_PADDING returns k bytes; EM is the trailing emLen of them, any leading byte must be zero.
  if (em.length > emLen) {
    if (em.subarray(0, em.length - emLen).some((b) => b !== 0)) return false;
    em = em.subarray(em.length - emLen);
  }
  const hLen = digest.length;
  if (em.length !== emLen || emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 8 * emLen - emBits;
  if (topBits > 0 && ((maskedDb[0] ?? 0) >> (8 - topBits)) !== 0) return false;
  const mask = mgf1(algorithm, h, maskedDb.length);
  const db = Buffer.from(maskedDb.map((b, i) => b ^ (mask[i] ?? 0)));
  if (topBits > 0) db[0] = (db[0] ?? 0) & (0xff >> topBits);
  const separator = db.indexOf(0x01);
  if (separator < 0 || db.subarray(0, separator).some((b) => b !== 0)) return false;
  const salt = db.subarray(separator + 1);
  // With a key that fixes the salt length (RSASSA-PSS-params), hold the signature to it; sigstore keys use hLen.
  if (salt.length !== (saltLength ?? hLen)) return false;
  const mPrime = Buffer.concat([Buffer.alloc(8), digest, salt]);
  return createHash(algorithm).update(mPrime).digest().equals(h);
}

const DIGEST_LENGTH: Readonly<Record<PrehashAlgorithm, number>> = { sha256: 32, sha384: 48, sha512: 64 };

/**
 * Verifies `signature` over a message whose `algorithm` digest is `digest`.
 * Returns false for a signature that does not verify; `undefined` when the key type cannot
 * verify a prehashed message at all (Ed25519, Ed448).
 */
export function verifyPrehashed(
  key: KeyObject,
  algorithm: PrehashAlgorithm,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean | undefined {
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
