import { constants, createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyPrehashed, type PrehashAlgorithm } from './prehash.js';

// Signatures come from OpenSSL (node:crypto) over the message; verifyPrehashed sees only the digest.
const message = Buffer.from('the quick brown fox');
const digestOf = (algorithm: PrehashAlgorithm, data: Buffer): Buffer => createHash(algorithm).update(data).digest();

const cases: readonly [string, { publicKey: KeyObject; privateKey: KeyObject }, PrehashAlgorithm][] = [
  ['P-256/sha256', generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sha256'],
  ['P-256/sha512 (digest truncated to the curve order)', generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sha512'],
  ['P-384/sha384', generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'sha384'],
  ['P-521/sha512', generateKeyPairSync('ec', { namedCurve: 'P-521' }), 'sha512'],
  ['RSA PKCS#1 v1.5/sha256', generateKeyPairSync('rsa', { modulusLength: 2048 }), 'sha256'],
  ['RSA-PSS/sha256', generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' }), 'sha256'],
];

describe('verifyPrehashed', () => {
  it.each(cases)('%s: accepts the signature and rejects a changed digest, signature or key', (_name, keys, algorithm) => {
    const digest = digestOf(algorithm, message);
    for (let i = 0; i < 5; i++) {
      const signature = sign(algorithm, message, keys.privateKey);
      expect(verifyPrehashed(keys.publicKey, algorithm, digest, signature)).toBe(true);
      expect(verifyPrehashed(keys.publicKey, algorithm, digestOf(algorithm, Buffer.from('other')), signature)).toBe(false);
      const flipped = Buffer.from(signature);
      flipped[flipped.length - 2] = (flipped[flipped.length - 2] ?? 0) ^ 0x10;
      expect(verifyPrehashed(keys.publicKey, algorithm, digest, flipped)).toBe(false);
    }
    const signature = sign(algorithm, message, keys.privateKey);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyPrehashed(other, algorithm, digest, signature)).toBe(false);
  });

  it('rejects malformed ECDSA signatures without throwing', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const digest = digestOf('sha256', message);
    const malformed = [
      Buffer.alloc(0),
      Buffer.from([0x30]),
      Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]), // r = 0
      Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0xff]), // negative s
      Buffer.from([0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01]), // non-minimal r
      Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), // absurd length
      Buffer.alloc(64, 0x11), // IEEE P1363, not DER
    ];
    for (const signature of malformed) expect(verifyPrehashed(publicKey, 'sha256', digest, signature)).toBe(false);
  });

  it('rejects a digest of the wrong length and has no answer for Ed25519', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = sign('sha256', message, ec.privateKey);
    expect(verifyPrehashed(ec.publicKey, 'sha256', Buffer.alloc(31), signature)).toBe(false);
    const ed = generateKeyPairSync('ed25519');
    expect(verifyPrehashed(ed.publicKey, 'sha256', digestOf('sha256', message), sign(null, message, ed.privateKey))).toBeUndefined();
  });
});

describe('verifyPrehashed agrees with node:crypto verifying the message itself', () => {
  const more: readonly [string, { publicKey: KeyObject; privateKey: KeyObject }, PrehashAlgorithm][] = [
    ['P-256/sha384', generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'sha384'],
    ['P-384/sha256', generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'sha256'],
    ['P-521/sha256', generateKeyPairSync('ec', { namedCurve: 'P-521' }), 'sha256'],
    ['RSA 3072 PKCS#1 v1.5/sha512', generateKeyPairSync('rsa', { modulusLength: 3072 }), 'sha512'],
    ['RSA-PSS 3072/sha384', generateKeyPairSync('rsa-pss', { modulusLength: 3072, hashAlgorithm: 'sha384', mgf1HashAlgorithm: 'sha384' }), 'sha384'],
  ];
  it.each(more)('%s', (_name, keys, algorithm) => {
    for (let i = 0; i < 4; i++) {
      const data = Buffer.from(`message ${i}`);
      const signature = sign(algorithm, data, keys.privateKey);
      expect(verify(algorithm, data, keys.publicKey, signature)).toBe(true);
      expect(verifyPrehashed(keys.publicKey, algorithm, digestOf(algorithm, data), signature)).toBe(true);
      const other = Buffer.from(`message ${i + 100}`);
      expect(verifyPrehashed(keys.publicKey, algorithm, digestOf(algorithm, other), signature)).toBe(verify(algorithm, other, keys.publicKey, signature));
    }
  });

  it('accepts a high-S ECDSA signature exactly when OpenSSL does', () => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
    const signature = sign(null, message, { key: keys.privateKey, dsaEncoding: 'ieee-p1363' });
    const r = signature.subarray(0, 32);
    const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
    const flipped = Buffer.concat([r, Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
    const der = (p1363: Buffer): Buffer => {
      const int = (b: Buffer): Buffer => {
        let v = b;
        while (v.length > 1 && v[0] === 0 && ((v[1] ?? 0) & 0x80) === 0) v = v.subarray(1);
        if (((v[0] ?? 0) & 0x80) !== 0) v = Buffer.concat([Buffer.from([0]), v]);
        return Buffer.concat([Buffer.from([0x02, v.length]), v]);
      };
      const body = Buffer.concat([int(p1363.subarray(0, 32)), int(p1363.subarray(32))]);
      return Buffer.concat([Buffer.from([0x30, body.length]), body]);
    };
    const highS = der(flipped);
    expect(verify('sha256', message, keys.publicKey, highS)).toBe(true);
    expect(verifyPrehashed(keys.publicKey, 'sha256', digestOf('sha256', message), highS)).toBe(true);
  });

  it('an RSA PKCS#1 v1.5 signature over another hash of the same length does not verify as SHA-256', () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signature = sign('sha512-256', message, keys.privateKey);
    expect(verifyPrehashed(keys.publicKey, 'sha256', createHash('sha512-256').update(message).digest(), signature)).toBe(false);
  });

  it('a PSS signature does not verify under an rsaEncryption key (PKCS#1 v1.5 only, as before)', () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signature = sign('sha256', message, { key: keys.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    expect(verifyPrehashed(keys.publicKey, 'sha256', digestOf('sha256', message), signature)).toBe(false);
  });
});
