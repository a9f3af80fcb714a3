import { createHash, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SekishoError } from '../../errors.js';
import { BUNDLE_V03, hashedRekordBody, makeCa, makeLeaf, makeLog, makeTlogEntry, makeTrustedRoot, pem } from './test-pki.js';
import { verifyBlob, type VerifyBlobOptions } from './verify-blob.js';

/* Malformed inputs: every one fails as VERIFY_INPUT (or VERIFY_FAILED) with a message naming the
   part that is wrong, never as a raw TypeError or a message that names nothing. */

const SIGNED_AT = new Date('2026-03-01T12:00:00Z');
const NOW = new Date('2026-06-01T00:00:00Z');
const IDENTITY = 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const minutes = (n: number): Date => new Date(SIGNED_AT.getTime() + n * 60_000);

const rootCa = makeCa({ subject: 'test-root', notBefore: new Date('2025-01-01'), notAfter: new Date('2035-01-01') });
const intermediate = makeCa({ subject: 'test-intermediate', parent: rootCa, notBefore: new Date('2025-01-01'), notAfter: new Date('2035-01-01') });
const log = makeLog();
const trustedRoot = makeTrustedRoot({ cas: [{ chain: [intermediate, rootCa], start: new Date('2025-01-01') }], tlogs: [log] });
const artifact = Buffer.from('hello, sekisho\n');
const leaf = makeLeaf({ issuer: intermediate, notBefore: minutes(-1), notAfter: minutes(10), san: { uri: IDENTITY }, oidcIssuer: ISSUER });
const signature = sign('sha256', artifact, leaf.keys.privateKey);
const digest = createHash('sha256').update(artifact).digest();
const entry = makeTlogEntry({
  log,
  body: hashedRekordBody(signature, digest.toString('hex'), pem(leaf.der, 'CERTIFICATE')),
  kind: 'hashedrekord',
  version: '0.0.1',
  integratedTime: SIGNED_AT,
});
/** DER that is a valid ASN.1 SEQUENCE { INTEGER 1 } but no certificate. */
const NOT_A_CERTIFICATE = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]).toString('base64');
const TRUNCATED_DER = Buffer.from([0x30, 0x82, 0x05, 0x00, 0x30, 0x01]).toString('base64');

function bundle(options: { material?: object; mediaType?: string; signature?: string } = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      mediaType: options.mediaType ?? BUNDLE_V03,
      verificationMaterial: { ...(options.material ?? { certificate: { rawBytes: leaf.der.toString('base64') } }), tlogEntries: [entry] },
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') }, signature: options.signature ?? signature.toString('base64') },
    }),
  );
}

const base: VerifyBlobOptions = {
  bundle: bundle(),
  artifact: { bytes: artifact },
  policy: { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER },
  trustedRoot,
  now: NOW,
};

async function failure(options: Partial<VerifyBlobOptions>): Promise<SekishoError> {
  const error = await verifyBlob({ ...base, ...options }).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof SekishoError)) throw new Error(`expected a SekishoError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  return error;
}

function rootWith(edit: (root: { certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[]; tlogs: { publicKey: { rawBytes: string } }[] }) => void): object {
  const copy = JSON.parse(JSON.stringify(trustedRoot)) as Parameters<typeof edit>[0];
  edit(copy);
  return copy;
}

describe('verify-blob names what is malformed', () => {
  it('verifies the well-formed bundle (baseline)', async () => {
    await expect(verifyBlob(base)).resolves.toMatchObject({ content: 'message-signature' });
  });

  it('a certificate chain whose second certificate is not DER', async () => {
    const chain = { x509CertificateChain: { certificates: [{ rawBytes: leaf.der.toString('base64') }, { rawBytes: TRUNCATED_DER }] } };
    const error = await failure({ bundle: bundle({ material: chain, mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1' }) });
    expect(error.code).toBe('VERIFY_INPUT');
    expect(error.message).toMatch(/^certificate chain: certificate 2 is not valid DER: /);
  });

  it('a certificate chain whose second certificate is DER but no certificate', async () => {
    const chain = { x509CertificateChain: { certificates: [{ rawBytes: leaf.der.toString('base64') }, { rawBytes: NOT_A_CERTIFICATE }] } };
    const error = await failure({ bundle: bundle({ material: chain, mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1' }) });
    expect(error.code).toBe('VERIFY_INPUT');
    expect(error.message).toContain('certificate chain: certificate 2');
  });

  it('a bundle certificate that is not a certificate', async () => {
    const error = await failure({ bundle: bundle({ material: { certificate: { rawBytes: NOT_A_CERTIFICATE } } }) });
    expect(error.code).toBe('VERIFY_INPUT');
    expect(error.message).toContain('bundle certificate');
  });

  it('bundle fields that are not base64', async () => {
    const cert = await failure({ bundle: bundle({ material: { certificate: { rawBytes: '!!!not base64!!!' } } }) });
    expect(cert.code).toBe('VERIFY_INPUT');
    expect(cert.message).toContain('verificationMaterial.certificate.rawBytes is not valid base64');
    const sig = await failure({ bundle: bundle({ signature: '%%%' }) });
    expect(sig.code).toBe('VERIFY_INPUT');
    expect(sig.message).toContain('messageSignature.signature is not valid base64');
  });

  it('a trusted-root certificate that is not a certificate', async () => {
    const error = await failure({ trustedRoot: rootWith((r) => void ((r.certificateAuthorities[0]?.certChain.certificates[0] ?? { rawBytes: '' }).rawBytes = NOT_A_CERTIFICATE)) });
    expect(error.code).toBe('VERIFY_INPUT');
    expect(error.message).toContain('trusted root: certificateAuthorities[0]: certificate 0');
  });

  it('a trusted-root certificate that is not DER', async () => {
    const error = await failure({ trustedRoot: rootWith((r) => void ((r.certificateAuthorities[0]?.certChain.certificates[1] ?? { rawBytes: '' }).rawBytes = TRUNCATED_DER)) });
    expect(error.code).toBe('VERIFY_INPUT');
    expect(error.message).toMatch(/trusted root: certificateAuthorities\[0\]: certificate 1 is not valid DER: /);
  });

  it('a transparency-log key that does not parse says why', async () => {
    const error = await failure({ trustedRoot: rootWith((r) => void ((r.tlogs[0] ?? { publicKey: { rawBytes: '' } }).publicKey.rawBytes = NOT_A_CERTIFICATE)) });
    expect(error.code).toBe('VERIFY_INPUT');
    expect(error.message).toMatch(/trusted root: tlogs\[0\]: public key does not parse \([^)]+\): \S/);
  });

  it('a verification key that does not parse says why', async () => {
    const error = await failure({ policy: { key: '-----BEGIN PUBLIC KEY-----\nMAMCAQE=\n-----END PUBLIC KEY-----\n' } });
    expect(error.code).toBe('VERIFY_INPUT');
    expect(error.message).toMatch(/^public key: does not parse: \S/);
  });
});
