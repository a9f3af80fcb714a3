import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SekishoError } from '../../errors.js';
import {
  BUNDLE_V03,
  dsseRekordBody,
  ecKeyPair,
  hashedRekordBody,
  makeCa,
  makeLeaf,
  makeLog,
  makeTlogEntry,
  makeTrustedRoot,
  pae,
  pem,
  type IssuedCertificate,
  type KeyPair,
  type LeafOptions,
} from './test-pki.js';
import { verifyBlob, type ArtifactInput, type VerifyBlobOptions, type VerifyPolicy } from './verify-blob.js';

const IDENTITY = 'https://github.com/example/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const SIGNED_AT = new Date('2026-03-01T12:00:00Z');
const NOW = new Date('2026-06-01T00:00:00Z');
const minutes = (n: number): Date => new Date(SIGNED_AT.getTime() + n * 60_000);

const rootCa = makeCa({ subject: 'test-root', notBefore: new Date('2025-01-01'), notAfter: new Date('2035-01-01') });
const intermediate = makeCa({ subject: 'test-intermediate', parent: rootCa, notBefore: new Date('2025-01-01'), notAfter: new Date('2035-01-01') });
const log = makeLog();
const trustedRoot = makeTrustedRoot({ cas: [{ chain: [intermediate, rootCa], start: new Date('2025-01-01') }], tlogs: [log] });

const artifact = Buffer.from('hello, sekisho\n');
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
const artifactDigest = `sha256:${sha256(artifact).toString('hex')}`;
const identityPolicy: VerifyPolicy = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };

interface KeylessOptions {
  leaf?: Partial<LeafOptions>;
  issuer?: IssuedCertificate;
  signedContent?: Buffer;
  digestOf?: Buffer;
  integratedTime?: Date;
  logIndex?: number;
}

function keylessBundle(options: KeylessOptions = {}): Record<string, unknown> {
  const leaf = makeLeaf({
    issuer: options.issuer ?? intermediate,
    notBefore: minutes(-1),
    notAfter: minutes(10),
    san: { uri: IDENTITY },
    oidcIssuer: ISSUER,
    ...options.leaf,
  });
  const signature = sign('sha256', options.signedContent ?? artifact, leaf.keys.privateKey);
  const digest = sha256(options.digestOf ?? artifact);
  const entry = makeTlogEntry({
    log,
    body: hashedRekordBody(signature, digest.toString('hex'), pem(leaf.der, 'CERTIFICATE')),
    kind: 'hashedrekord',
    version: '0.0.1',
    integratedTime: options.integratedTime ?? SIGNED_AT,
    ...(options.logIndex === undefined ? {} : { logIndex: options.logIndex }),
  });
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: { certificate: { rawBytes: leaf.der.toString('base64') }, tlogEntries: [entry] },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') },
      signature: signature.toString('base64'),
    },
  };
}

function dsseBundle(subjects: readonly Buffer[]): Record<string, unknown> {
  const leaf = makeLeaf({ issuer: intermediate, notBefore: minutes(-1), notAfter: minutes(10), san: { uri: IDENTITY }, oidcIssuer: ISSUER });
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: subjects.map((s, i) => ({ name: `file-${i}`, digest: { sha256: sha256(s).toString('hex') } })),
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {},
  };
  const payload = Buffer.from(JSON.stringify(statement));
  const payloadType = 'application/vnd.in-toto+json';
  const signature = sign('sha256', pae(payloadType, payload), leaf.keys.privateKey);
  const entry = makeTlogEntry({
    log,
    body: dsseRekordBody(payload, signature, pem(leaf.der, 'CERTIFICATE')),
    kind: 'dsse',
    version: '0.0.1',
    integratedTime: SIGNED_AT,
  });
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: { certificate: { rawBytes: leaf.der.toString('base64') }, tlogEntries: [entry] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType, signatures: [{ sig: signature.toString('base64'), keyid: '' }] },
  };
}

function keyBundle(keys: KeyPair, algorithm: string | null, withTlog: boolean, content: Buffer = artifact): Record<string, unknown> {
  const signature = sign(algorithm, content, keys.privateKey);
  const digest = sha256(artifact);
  const keyPem = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const tlogEntries = withTlog ? [makeTlogEntry({ log, body: hashedRekordBody(signature, digest.toString('hex'), keyPem), kind: 'hashedrekord', version: '0.0.1', integratedTime: SIGNED_AT })] : [];
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: { publicKey: { hint: 'test-key' }, tlogEntries },
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') }, signature: signature.toString('base64') },
  };
}

const encode = (bundle: unknown): Uint8Array => Buffer.from(JSON.stringify(bundle));

function options(bundle: unknown, overrides: Partial<VerifyBlobOptions> = {}): VerifyBlobOptions {
  return { bundle: encode(bundle), artifact: { bytes: artifact }, policy: identityPolicy, trustedRoot, now: NOW, ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<SekishoError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SekishoError) return error;
    throw error;
  }
  throw new Error('verification unexpectedly succeeded');
}

const BOTH_MODES: readonly [string, ArtifactInput][] = [
  ['bytes', { bytes: artifact }],
  ['digest', { digest: artifactDigest }],
];

describe('verifyBlob: keyless message signatures', () => {
  it.each(BOTH_MODES)('verifies a good bundle (%s)', async (_mode, input) => {
    const result = await verifyBlob(options(keylessBundle(), { artifact: input }));
    expect(result.content).toBe('message-signature');
    expect(result.artifactDigest).toBe(artifactDigest);
    expect(result.signer).toMatchObject({ kind: 'certificate', subjectAlternativeNames: [IDENTITY], oidcIssuer: ISSUER });
    expect(result.timestamps).toEqual([{ source: 'transparency-log', time: SIGNED_AT }]);
    expect(result.tlogEntries).toEqual([{ logIndex: '0', kind: 'hashedrekord', version: '0.0.1' }]);
  });

  it('reads the issuer from the old Fulcio extension 1.3.6.1.4.1.57264.1.1', async () => {
    const result = await verifyBlob(options(keylessBundle({ leaf: { v1Issuer: true } })));
    expect(result.signer).toMatchObject({ oidcIssuer: ISSUER });
  });

  it('matches identity and issuer regexps anywhere in the value, as cosign does', async () => {
    const policy = { certificateIdentityRegexp: '^https://github\\.com/example/', certificateOidcIssuerRegexp: 'githubusercontent' };
    await expect(verifyBlob(options(keylessBundle(), { policy }))).resolves.toBeDefined();
    const wrong = { certificateIdentityRegexp: '^https://github\\.com/other/', certificateOidcIssuerRegexp: '.*' };
    expect((await rejection(verifyBlob(options(keylessBundle(), { policy: wrong })))).code).toBe('VERIFY_FAILED');
  });

  it('matches an email SAN', async () => {
    const bundle = keylessBundle({ leaf: { san: { email: 'dev@example.com' }, oidcIssuer: 'https://accounts.google.com' } });
    const policy = { certificateIdentity: 'dev@example.com', certificateOidcIssuer: 'https://accounts.google.com' };
    await expect(verifyBlob(options(bundle, { policy }))).resolves.toBeDefined();
  });

  it('rejects a wrong identity', async () => {
    const policy = { certificateIdentity: `${IDENTITY}x`, certificateOidcIssuer: ISSUER };
    const error = await rejection(verifyBlob(options(keylessBundle(), { policy })));
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.message).toMatch(/identity/);
  });

  it('rejects a wrong issuer, and a certificate without one', async () => {
    const policy = { certificateIdentity: IDENTITY, certificateOidcIssuer: 'https://accounts.google.com' };
    const wrong = await rejection(verifyBlob(options(keylessBundle(), { policy })));
    expect(wrong.code).toBe('VERIFY_FAILED');
    expect(wrong.message).toMatch(/issuer/);
    const none = keylessBundle({ leaf: { oidcIssuer: undefined } });
    expect((await rejection(verifyBlob(options(none)))).code).toBe('VERIFY_FAILED');
  });

  it.each(BOTH_MODES)('rejects a bundle for another artifact (%s)', async (_mode, input) => {
    const other = Buffer.from('another artifact');
    const bundle = keylessBundle({ signedContent: other, digestOf: other });
    expect((await rejection(verifyBlob(options(bundle, { artifact: input })))).code).toBe('VERIFY_FAILED');
  });

  it.each(BOTH_MODES)('rejects a signature over other content, even when the log recorded it (%s)', async (_mode, input) => {
    // messageDigest and the tlog body both name the artifact, but the signature is over something else.
    const bundle = keylessBundle({ signedContent: Buffer.from('tampered') });
    const error = await rejection(verifyBlob(options(bundle, { artifact: input })));
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.message).toMatch(/signature/i);
  });

  it('rejects a tampered signature that no longer matches the log entry', async () => {
    const bundle = keylessBundle();
    const ms = bundle['messageSignature'] as { signature: string };
    const sig = Buffer.from(ms.signature, 'base64');
    sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 1;
    ms.signature = sig.toString('base64');
    expect((await rejection(verifyBlob(options(bundle)))).code).toBe('VERIFY_FAILED');
  });

  it('rejects a certificate chain that does not chain to the trusted root', async () => {
    // Same subject names as the trusted CAs, different keys.
    const rogueRoot = makeCa({ subject: 'test-root', notBefore: new Date('2025-01-01'), notAfter: new Date('2035-01-01') });
    const rogue = makeCa({ subject: 'test-intermediate', parent: rogueRoot, notBefore: new Date('2025-01-01'), notAfter: new Date('2035-01-01') });
    const error = await rejection(verifyBlob(options(keylessBundle({ issuer: rogue }))));
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.message).toMatch(/certificate/i);
  });

  it('rejects a certificate that had expired, or was not yet valid, at the signing time', async () => {
    const expired = keylessBundle({ leaf: { notBefore: minutes(-30), notAfter: minutes(-20) } });
    expect((await rejection(verifyBlob(options(expired)))).code).toBe('VERIFY_FAILED');
    const early = keylessBundle({ leaf: { notBefore: minutes(5), notAfter: minutes(15) } });
    expect((await rejection(verifyBlob(options(early)))).code).toBe('VERIFY_FAILED');
  });

  it('rejects a CA outside its trusted-root validity window at the signing time', async () => {
    const root = makeTrustedRoot({
      cas: [{ chain: [intermediate, rootCa], start: new Date('2025-01-01'), end: minutes(-60) }],
      tlogs: [log],
    });
    expect((await rejection(verifyBlob(options(keylessBundle(), { trustedRoot: root })))).code).toBe('VERIFY_FAILED');
  });

  it('rejects leaf certificates that are CAs or not for code signing', async () => {
    expect((await rejection(verifyBlob(options(keylessBundle({ leaf: { ca: true } }))))).code).toBe('VERIFY_FAILED');
    expect((await rejection(verifyBlob(options(keylessBundle({ leaf: { codeSigning: false } }))))).code).toBe('VERIFY_FAILED');
  });

  it('rejects an integrated time in the future, and a negative log index', async () => {
    const future = keylessBundle({ integratedTime: new Date(NOW.getTime() + 3_600_000), leaf: { notBefore: new Date(NOW.getTime() + 3_500_000), notAfter: new Date(NOW.getTime() + 4_000_000) } });
    expect((await rejection(verifyBlob(options(future)))).message).toMatch(/future/);
    const negative = keylessBundle({ logIndex: -1 });
    expect((await rejection(verifyBlob(options(negative)))).code).toBe('VERIFY_FAILED');
  });

  it('rejects a tampered integrated time (the SET no longer verifies)', async () => {
    const bundle = keylessBundle();
    const entry = (bundle['verificationMaterial'] as { tlogEntries: { integratedTime: string; inclusionProof?: unknown }[] }).tlogEntries[0];
    if (entry === undefined) throw new Error('no entry');
    entry.integratedTime = String(Number(entry.integratedTime) + 60);
    expect((await rejection(verifyBlob(options(bundle)))).code).toBe('VERIFY_FAILED');
  });

  it('rejects a bundle from a log the trusted root does not know', async () => {
    const root = makeTrustedRoot({ cas: [{ chain: [intermediate, rootCa], start: new Date('2025-01-01') }], tlogs: [makeLog()] });
    expect((await rejection(verifyBlob(options(keylessBundle(), { trustedRoot: root })))).code).toBe('VERIFY_FAILED');
  });

  it('rejects a bundle without transparency-log entries', async () => {
    const bundle = keylessBundle();
    (bundle['verificationMaterial'] as { tlogEntries: unknown[] }).tlogEntries = [];
    expect((await rejection(verifyBlob(options(bundle)))).code).toBe('VERIFY_FAILED');
  });

  it('ignores checkpoint signature lines whose names are not literal hosts', async () => {
    const bundle = keylessBundle();
    const entry = (bundle['verificationMaterial'] as { tlogEntries: { inclusionProof: { checkpoint: { envelope: string } } }[] }).tlogEntries[0];
    if (entry === undefined) throw new Error('no entry');
    const fake = Buffer.alloc(68, 7).toString('base64');
    entry.inclusionProof.checkpoint.envelope += `\u2014 (a|aa)+$ ${fake}\n`;
    await expect(verifyBlob(options(bundle))).resolves.toBeDefined();
  });
});

describe('verifyBlob: DSSE / in-toto', () => {
  it.each(BOTH_MODES)('verifies when the artifact is a subject of the statement (%s)', async (_mode, input) => {
    const result = await verifyBlob(options(dsseBundle([Buffer.from('other'), artifact]), { artifact: input }));
    expect(result.content).toBe('dsse');
    expect(result.statement).toEqual({ predicateType: 'https://slsa.dev/provenance/v1', subjects: 2 });
  });

  it.each(BOTH_MODES)('rejects when the artifact is not a subject (%s)', async (_mode, input) => {
    const error = await rejection(verifyBlob(options(dsseBundle([Buffer.from('other')]), { artifact: input })));
    expect(error.code).toBe('VERIFY_FAILED');
    expect(error.message).toMatch(/subject/);
  });

  it('rejects a modified payload', async () => {
    const bundle = dsseBundle([artifact]);
    const env = bundle['dsseEnvelope'] as { payload: string };
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { predicateType: string };
    statement.predicateType = 'https://example.com/forged';
    env.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    expect((await rejection(verifyBlob(options(bundle)))).code).toBe('VERIFY_FAILED');
  });
});

describe('verifyBlob: key-based', () => {
  const p256 = ecKeyPair();
  const p256Pem = p256.publicKey.export({ format: 'pem', type: 'spki' }).toString();

  it.each(BOTH_MODES)('verifies with the signer key and a logged entry (%s)', async (_mode, input) => {
    const result = await verifyBlob(options(keyBundle(p256, 'sha256', true), { artifact: input, policy: { key: p256Pem } }));
    expect(result.signer).toEqual({ kind: 'key' });
  });

  it('requires a tlog entry unless told otherwise, as cosign does', async () => {
    const bundle = keyBundle(p256, 'sha256', false);
    expect((await rejection(verifyBlob(options(bundle, { policy: { key: p256Pem } })))).code).toBe('VERIFY_FAILED');
    await expect(verifyBlob(options(bundle, { policy: { key: p256Pem, tlog: 'if-present' } }))).resolves.toBeDefined();
  });

  it.each(BOTH_MODES)('rejects another key of the same type (%s)', async (_mode, input) => {
    const otherPem = ecKeyPair().publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const error = await rejection(verifyBlob(options(keyBundle(p256, 'sha256', false), { artifact: input, policy: { key: otherPem, tlog: 'if-present' } })));
    expect(error.code).toBe('VERIFY_FAILED');
  });

  it('rejects a key of the wrong type', async () => {
    const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const error = await rejection(verifyBlob(options(keyBundle(p256, 'sha256', true), { policy: { key: ed } })));
    expect(error.code).toBe('VERIFY_FAILED');
  });

  it('refuses private keys, weak RSA keys, unsupported curves and garbage as verification keys', async () => {
    const bundle = keyBundle(p256, 'sha256', true);
    const privatePem = p256.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const key of [privatePem, rsa1024, k256, 'not a key', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n']) {
      expect((await rejection(verifyBlob(options(bundle, { policy: { key } })))).code).toBe('VERIFY_INPUT');
    }
  });

  it('verifies Ed25519 over the bytes and asks for the file when given only a digest', async () => {
    const ed = generateKeyPairSync('ed25519');
    const edPem = ed.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const bundle = keyBundle(ed, null, false);
    const policy = { key: edPem, tlog: 'if-present' as const };
    await expect(verifyBlob(options(bundle, { policy }))).resolves.toBeDefined();
    expect((await rejection(verifyBlob(options(bundle, { policy, artifact: { digest: artifactDigest } })))).code).toBe('VERIFY_INPUT');
  });

  it.each(BOTH_MODES)('verifies RSA and P-384 keys (%s)', async (_mode, input) => {
    for (const keys of [generateKeyPairSync('rsa', { modulusLength: 2048 }), ecKeyPair('P-384')]) {
      const keyPem = keys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const good = keyBundle(keys, 'sha256', false);
      await expect(verifyBlob(options(good, { artifact: input, policy: { key: keyPem, tlog: 'if-present' } }))).resolves.toBeDefined();
      const bad = keyBundle(keys, 'sha256', false, Buffer.from('tampered'));
      expect((await rejection(verifyBlob(options(bad, { artifact: input, policy: { key: keyPem, tlog: 'if-present' } })))).code).toBe('VERIFY_FAILED');
    }
  });

  it('accepts a certificate-carrying bundle with --key only when the certificate holds that key', async () => {
    const leafKeys = ecKeyPair();
    const bundle = keylessBundle({ leaf: { keys: leafKeys } });
    const leafPem = leafKeys.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expect(verifyBlob(options(bundle, { policy: { key: leafPem } }))).resolves.toEqual(expect.objectContaining({ signer: { kind: 'key' } }));
    expect((await rejection(verifyBlob(options(bundle, { policy: { key: p256Pem } })))).code).toBe('VERIFY_FAILED');
  });

  it('rejects a key-signed bundle when a certificate identity is required', async () => {
    expect((await rejection(verifyBlob(options(keyBundle(p256, 'sha256', true))))).code).toBe('VERIFY_FAILED');
  });
});

describe('verifyBlob: malformed input', () => {
  it('turns corrupted certificates, log bodies, proofs and signatures into VERIFY_* errors, never crashes', async () => {
    // Deterministic xorshift so a failure reproduces.
    let state = 0x9e3779b9;
    const next = (): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    const message = keylessBundle();
    const envelope = dsseBundle([artifact]);
    const paths: readonly (readonly [Record<string, unknown>, readonly string[]])[] = [
      [message, ['verificationMaterial', 'certificate', 'rawBytes']],
      [message, ['verificationMaterial', 'tlogEntries', '0', 'canonicalizedBody']],
      [message, ['verificationMaterial', 'tlogEntries', '0', 'inclusionPromise', 'signedEntryTimestamp']],
      [message, ['verificationMaterial', 'tlogEntries', '0', 'inclusionProof', 'rootHash']],
      [message, ['messageSignature', 'signature']],
      [envelope, ['dsseEnvelope', 'payload']],
      [envelope, ['dsseEnvelope', 'signatures', '0', 'sig']],
      [envelope, ['verificationMaterial', 'tlogEntries', '0', 'canonicalizedBody']],
    ];
    let outcomes = 0;
    for (let round = 0; round < 320; round++) {
      const [template, fieldPath] = paths[round % paths.length] ?? [message, []];
      const bundle = structuredClone(template);
      let holder = bundle;
      for (const step of fieldPath.slice(0, -1)) holder = holder[step] as Record<string, unknown>;
      const leafKey = fieldPath[fieldPath.length - 1] ?? '';
      const bytes = Buffer.from(holder[leafKey] as string, 'base64');
      for (let flips = 1 + (next() % 3); flips > 0; flips--) {
        const at = next() % bytes.length;
        bytes[at] = (bytes[at] ?? 0) ^ (1 << (next() % 8));
      }
      holder[leafKey] = (next() % 4 === 0 ? bytes.subarray(0, next() % bytes.length) : bytes).toString('base64');
      const error = await rejection(verifyBlob(options(bundle)));
      expect(['VERIFY_FAILED', 'VERIFY_INPUT']).toContain(error.code);
      outcomes++;
    }
    expect(outcomes).toBe(320);
  });

  it('rejects bundles that are not JSON, not objects, of unknown media type, or structurally invalid', async () => {
    const cases: Uint8Array[] = [
      Buffer.from('{"mediaType": '),
      Buffer.from('[]'),
      Buffer.from('null'),
      encode({ ...keylessBundle(), mediaType: 'application/vnd.dev.sigstore.bundle.v9.9+json' }),
      encode({ mediaType: BUNDLE_V03 }),
      encode({ ...keylessBundle(), messageSignature: { signature: '' } }),
      encode({ ...keylessBundle(), verificationMaterial: { certificate: { rawBytes: 'AAAA' }, tlogEntries: [] } }),
    ];
    for (const bundle of cases) {
      const error = await rejection(verifyBlob({ ...options(keylessBundle()), bundle }));
      expect(error.code).toBe('VERIFY_INPUT');
    }
  });

  it('rejects malformed artifact digests', async () => {
    for (const digest of ['sha256:abc', 'md5:d41d8cd98f00b204e9800998ecf8427e', `sha256:${'g'.repeat(64)}`, 'sha256']) {
      expect((await rejection(verifyBlob(options(keylessBundle(), { artifact: { digest } })))).code).toBe('VERIFY_INPUT');
    }
  });

  it('rejects malformed trusted roots, including a missing validity start', async () => {
    const missingStart = structuredClone(trustedRoot) as { tlogs: { publicKey: { validFor: { start?: string } } }[] };
    delete missingStart.tlogs[0]?.publicKey.validFor.start;
    const badCert = structuredClone(trustedRoot) as { certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[] };
    const first = badCert.certificateAuthorities[0]?.certChain.certificates[0];
    if (first !== undefined) first.rawBytes = 'AAAA';
    for (const root of [{}, { mediaType: 'text/plain' }, missingStart, badCert]) {
      expect((await rejection(verifyBlob(options(keylessBundle(), { trustedRoot: root })))).code).toBe('VERIFY_INPUT');
    }
  });

  it('rejects incomplete identity policies and bad regexps', async () => {
    for (const policy of [
      { certificateIdentity: IDENTITY },
      { certificateOidcIssuer: ISSUER },
      { certificateIdentity: IDENTITY, certificateIdentityRegexp: '.*', certificateOidcIssuer: ISSUER },
      { certificateIdentityRegexp: '(', certificateOidcIssuer: ISSUER },
    ]) {
      expect((await rejection(verifyBlob(options(keylessBundle(), { policy })))).code).toBe('VERIFY_INPUT');
    }
  });
});
