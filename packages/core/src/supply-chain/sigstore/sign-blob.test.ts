import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SekishoError } from '../../errors.js';
import { signBlob } from './sign-blob.js';
import { makeTrustedRoot } from './test-pki.js';
import { verifyBlob } from './verify-blob.js';

const artifact = Buffer.from('release tarball bytes');
const digestAs = (algorithm: string): string => `${algorithm}:${createHash(algorithm).update(artifact).digest('hex')}`;
const trustedRoot = makeTrustedRoot({ cas: [], tlogs: [] });

const ec = (curve: string): string => generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

// [name, private key PEM, digest algorithm the bundle signs (undefined: the artifact itself, Ed25519)]
const keys: readonly [string, string, string | undefined][] = [
  ['P-256 PKCS#8', ec('P-256'), 'sha256'],
  ['P-256 SEC 1', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }).toString(), 'sha256'],
  ['P-384', ec('P-384'), 'sha384'],
  ['RSA 2048', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'sha256'],
  ['Ed25519', generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), undefined],
];

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof SekishoError) return error.code;
    throw error;
  }
}

describe('signBlob', () => {
  it.each(keys)('%s: the bundle verifies with the public key, and only for this artifact', async (_name, key, digestAlgorithm) => {
    const { bundle, publicKey } = signBlob({ key, artifact });
    const policy = { key: publicKey, tlog: 'if-present' as const };
    const result = await verifyBlob({ bundle, artifact: { bytes: artifact }, policy, trustedRoot });
    expect(result.signer).toEqual({ kind: 'key' });
    if (digestAlgorithm !== undefined) {
      expect(await code(verifyBlob({ bundle, artifact: { digest: digestAs(digestAlgorithm) }, policy, trustedRoot }))).toBe('OK');
    } else {
      expect(await code(verifyBlob({ bundle, artifact: { digest: digestAs('sha256') }, policy, trustedRoot }))).toBe('VERIFY_INPUT');
    }
    expect(await code(verifyBlob({ bundle, artifact: { bytes: Buffer.from('other') }, policy, trustedRoot }))).toBe('VERIFY_FAILED');
    // cosign's default: a key-signed bundle without a transparency-log entry is not enough.
    expect(await code(verifyBlob({ bundle, artifact: { bytes: artifact }, policy: { key: publicKey }, trustedRoot }))).toBe('VERIFY_FAILED');
  });

  it('refuses public keys, encrypted keys and garbage', () => {
    const pub = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const encrypted = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const key of [pub, encrypted, weak, 'nothing', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n']) {
      expect(() => signBlob({ key, artifact })).toThrowError(SekishoError);
    }
  });
});
