/**
 * Verification of a sigstore bundle over a blob, as `cosign verify-blob --bundle` does.
 * Spec: sigstore client spec (https://github.com/sigstore/architecture-docs/blob/main/client-spec.md §4),
 * bundle format sigstore/protobuf-specs protos/sigstore_bundle.proto (v0.1–v0.3).
 *
 * The cryptographic steps (Fulcio chain at the signing time, SCTs, Rekor SET / inclusion proof and
 * checkpoint, RFC 3161 timestamps, tlog body ↔ bundle consistency) are @sigstore/verify's. Around it
 * this module adds what a blob verifier must decide itself: which artifact the signature is about
 * (message digest or in-toto subject), digest-only verification, the key-or-identity policy with
 * cosign's semantics, and the checks the library leaves out (log index sign, integrated time in the
 * future, trusted-root strictness, regexp-safe checkpoint parsing).
 */
import { createHash, createPublicKey, verify as cryptoVerify, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Bundle, TransparencyLogEntry } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import type { SignedEntity, TrustMaterial, Verifier } from '@sigstore/verify';
import { SekishoError } from '../../errors.js';
import { decodeBase64, parseCertificate } from './certificate.js';
import { certificateIdentity, compileIdentityPolicy, type CertificateIdentityPolicy } from './identity.js';
import { parseStatement, statementHasSubject } from './in-toto.js';
import { verifyPrehashed, type PrehashAlgorithm } from './prehash.js';
import { parsePublicKey, sameKey, type PublicKeyInput } from './public-key.js';
import { toTrustAnchors } from './trusted-root.js';
import { lazyModule } from '../../util/lazy-module.js';

const sigstoreBundle = lazyModule<typeof import('@sigstore/bundle')>('@sigstore/bundle');
const sigstoreCore = lazyModule<typeof import('@sigstore/core')>('@sigstore/core');
const sigstoreVerify = lazyModule<typeof import('@sigstore/verify')>('@sigstore/verify');

export type ArtifactInput = { readonly bytes: Uint8Array } | { readonly digest: string };

export interface KeyPolicy {
  /** The signer's public key; no certificate identity is checked. */
  readonly key: PublicKeyInput;
  /**
   * cosign requires a transparency-log entry for key-based signatures too (unless
   * `--insecure-ignore-tlog`). 'if-present' accepts bundles without one, as made for closed loops;
   * an entry that is present is always verified.
   */
  readonly tlog?: 'required' | 'if-present';
}

export type VerifyPolicy = KeyPolicy | CertificateIdentityPolicy;

export interface VerifyBlobOptions {
  /** Bundle JSON (media types v0.1, v0.2, v0.3). */
  readonly bundle: Uint8Array;
  readonly artifact: ArtifactInput;
  readonly policy: VerifyPolicy;
  /** Sigstore TrustedRoot JSON (see loadTrustedRoot). */
  readonly trustedRoot: object;
  readonly now?: Date;
}

export type VerifiedSigner =
  | { readonly kind: 'key' }
  | {
      readonly kind: 'certificate';
      readonly subjectAlternativeNames: readonly string[];
      readonly oidcIssuer: string | undefined;
      readonly notBefore: Date;
      readonly notAfter: Date;
    };

export interface VerifyResult {
  readonly bundleMediaType: string;
  readonly content: 'message-signature' | 'dsse';
  /** `<algorithm>:<hex>` of the verified artifact. */
  readonly artifactDigest: string;
  readonly signer: VerifiedSigner;
  /** Verified times of signing, sorted. */
  readonly timestamps: readonly { readonly source: 'transparency-log' | 'timestamp-authority'; readonly time: Date }[];
  readonly tlogEntries: readonly { readonly logIndex: string; readonly kind: string; readonly version: string }[];
  /** For DSSE bundles: what the in-toto statement says. */
  readonly statement?: { readonly predicateType: string; readonly subjects: number };
}

const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
const MAX_TLOG_ENTRIES = 16;
const MAX_TIMESTAMPS = 16;
const MAX_CHAIN_CERTIFICATES = 10;
const MAX_CHECKPOINT_BYTES = 64 * 1024;
// Rekor and the verifier keep separate clocks; sigstore-go allows the same slack.
const FUTURE_SKEW_MS = 60_000;

let bundleMediaTypes: ReadonlySet<string> | null = null;
const knownBundleMediaTypes = (): ReadonlySet<string> => {
  const { BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE } = sigstoreBundle();
  return (bundleMediaTypes ??= new Set([BUNDLE_V01_MEDIA_TYPE, BUNDLE_V02_MEDIA_TYPE, BUNDLE_V03_LEGACY_MEDIA_TYPE, BUNDLE_V03_MEDIA_TYPE]));
};

// sigstore_common.proto HashAlgorithm → node digest names usable for a prehashed signature.
const HASH_ALGORITHMS: Readonly<Record<number, PrehashAlgorithm>> = { 0: 'sha256', 1: 'sha256', 2: 'sha384', 3: 'sha512' };
const DIGEST_HEX_LENGTH: Readonly<Record<PrehashAlgorithm, number>> = { sha256: 64, sha384: 96, sha512: 128 };

function input(message: string, cause?: unknown): never {
  throw new SekishoError('VERIFY_INPUT', message, { cause });
}

function failed(message: string, cause?: unknown): never {
  throw new SekishoError('VERIFY_FAILED', message, { cause });
}

function parseBundle(bytes: Uint8Array): Bundle {
  if (bytes.length > MAX_BUNDLE_BYTES) input(`bundle is larger than ${MAX_BUNDLE_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    input('bundle is not valid JSON', error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) input('bundle is not a JSON object');
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== 'string' || !knownBundleMediaTypes().has(mediaType)) {
    input(`unsupported bundle media type ${JSON.stringify(typeof mediaType === 'string' ? mediaType.slice(0, 200) : mediaType)}`);
  }
  checkBase64Fields(json as Record<string, unknown>);
  let bundle: Bundle;
  try {
    bundle = sigstoreBundle().bundleFromJSON(json);
  } catch (error) {
    input(`malformed bundle: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const material = bundle.verificationMaterial;
  if (material.tlogEntries.length > MAX_TLOG_ENTRIES) input(`bundle has more than ${MAX_TLOG_ENTRIES} tlog entries`);
  if ((material.timestampVerificationData?.rfc3161Timestamps.length ?? 0) > MAX_TIMESTAMPS) {
    input(`bundle has more than ${MAX_TIMESTAMPS} RFC 3161 timestamps`);
  }
  if (material.content.$case === 'x509CertificateChain' && material.content.x509CertificateChain.certificates.length > MAX_CHAIN_CERTIFICATES) {
    input(`bundle certificate chain is longer than ${MAX_CHAIN_CERTIFICATES}`);
  }
  return bundle;
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * The bundle's bytes fields are base64 (protobuf JSON mapping). Buffer.from skips characters
 * outside the alphabet, so "!!!" would decode to a few stray bytes and fail later as a
 * meaningless parse error; each field is checked here and named when it is not base64.
 */
function checkBase64Fields(json: Json): void {
  const check = (value: unknown, part: string): void => {
    if (typeof value === 'string') decodeBase64(value, `bundle ${part}`);
  };
  const material = asObject(json['verificationMaterial']);
  check(asObject(material?.['certificate'])?.['rawBytes'], 'verificationMaterial.certificate.rawBytes');
  asArray(asObject(material?.['x509CertificateChain'])?.['certificates']).forEach((c, i) => check(asObject(c)?.['rawBytes'], `verificationMaterial.x509CertificateChain.certificates[${i}].rawBytes`));
  asArray(material?.['tlogEntries']).forEach((e, i) => {
    const entry = asObject(e);
    const at = `verificationMaterial.tlogEntries[${i}]`;
    check(entry?.['canonicalizedBody'], `${at}.canonicalizedBody`);
    check(asObject(entry?.['logId'])?.['keyId'], `${at}.logId.keyId`);
    check(asObject(entry?.['inclusionPromise'])?.['signedEntryTimestamp'], `${at}.inclusionPromise.signedEntryTimestamp`);
    const proof = asObject(entry?.['inclusionProof']);
    check(proof?.['rootHash'], `${at}.inclusionProof.rootHash`);
    asArray(proof?.['hashes']).forEach((h, j) => check(h, `${at}.inclusionProof.hashes[${j}]`));
  });
  asArray(asObject(material?.['timestampVerificationData'])?.['rfc3161Timestamps']).forEach((t, i) =>
    check(asObject(t)?.['signedTimestamp'], `verificationMaterial.timestampVerificationData.rfc3161Timestamps[${i}].signedTimestamp`),
  );
  const message = asObject(json['messageSignature']);
  check(message?.['signature'], 'messageSignature.signature');
  check(asObject(message?.['messageDigest'])?.['digest'], 'messageSignature.messageDigest.digest');
  const envelope = asObject(json['dsseEnvelope']);
  check(envelope?.['payload'], 'dsseEnvelope.payload');
  asArray(envelope?.['signatures']).forEach((sig, i) => check(asObject(sig)?.['sig'], `dsseEnvelope.signatures[${i}].sig`));
}

// A checkpoint signature line is "— <name> <base64>"; @sigstore/verify matches <name> against the
// log's base URL with String.prototype.match, i.e. as a regular expression. Lines whose name could
// be anything but a literal host/path are dropped before that (they cannot be the log's own).
const SAFE_CHECKPOINT_NAME = /^[A-Za-z0-9._:/-]{1,255}$/;

function sanitizeCheckpoint(envelope: string): string {
  const split = envelope.indexOf('\n\n');
  if (split < 0) return envelope;
  const lines = envelope.slice(split + 2).split('\n');
  const kept = lines.filter((line) => {
    const match = /^\u2014 (\S+) \S+$/u.exec(line);
    return match === null || SAFE_CHECKPOINT_NAME.test(match[1] ?? '');
  });
  return envelope.slice(0, split + 2) + kept.join('\n');
}

function checkTlogEntries(entries: TransparencyLogEntry[], now: Date): void {
  for (const [i, entry] of entries.entries()) {
    if (!/^\d{1,19}$/.test(entry.logIndex)) failed(`tlog entry ${i}: log index ${JSON.stringify(entry.logIndex.slice(0, 40))} is not a non-negative integer`);
    if (entry.integratedTime !== '' && entry.integratedTime !== '0') {
      if (!/^\d{1,15}$/.test(entry.integratedTime)) failed(`tlog entry ${i}: integrated time is not a valid time`);
      if (Number(entry.integratedTime) * 1000 > now.getTime() + FUTURE_SKEW_MS) failed(`tlog entry ${i}: integrated time is in the future`);
    }
    const proof = entry.inclusionProof;
    const checkpoint = proof?.checkpoint;
    if (proof !== undefined && checkpoint !== undefined) {
      if (checkpoint.envelope.length > MAX_CHECKPOINT_BYTES) input(`tlog entry ${i}: checkpoint is larger than ${MAX_CHECKPOINT_BYTES} bytes`);
      checkpoint.envelope = sanitizeCheckpoint(checkpoint.envelope);
      // @sigstore/verify proves inclusion against the signed checkpoint only; the proof's own root
      // hash and tree size must then say the same (sigstore-go checks this too).
      const [, size, root] = checkpoint.envelope.slice(0, Math.max(0, checkpoint.envelope.indexOf('\n\n'))).split('\n');
      if (size !== undefined && root !== undefined) {
        if (size !== proof.treeSize) failed(`tlog entry ${i}: inclusion proof tree size differs from its checkpoint`);
        if (!bufferEqual(Buffer.from(proof.rootHash), Buffer.from(root, 'base64'))) {
          failed(`tlog entry ${i}: inclusion proof root hash differs from its checkpoint`);
        }
      }
    }
  }
}

function parseDigest(text: string): { algorithm: PrehashAlgorithm; hex: string } {
  const match = /^(sha256|sha384|sha512):([0-9a-fA-F]{1,128})$/.exec(text);
  const algorithm = match?.[1] as PrehashAlgorithm | undefined;
  const hex = match?.[2]?.toLowerCase();
  if (algorithm === undefined || hex === undefined || hex.length !== DIGEST_HEX_LENGTH[algorithm]) {
    input(`artifact digest ${JSON.stringify(text.slice(0, 200))} is not <sha256|sha384|sha512>:<hex>`);
  }
  return { algorithm, hex };
}

/** The hash a signature over raw bytes uses with this key (sigstore PublicKeyDetails defaults). */
function hashForKey(key: KeyObject): PrehashAlgorithm | null {
  switch (key.asymmetricKeyType) {
    case 'ed25519':
    case 'ed448':
      return null;
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
    }
    default:
      return 'sha256';
  }
}

function safeVerify(algorithm: string | null, data: Uint8Array, key: KeyObject, signature: Uint8Array): boolean {
  try {
    return cryptoVerify(algorithm, data, key, signature);
  } catch {
    return false;
  }
}

function bufferEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

type SignatureContent = SignedEntity['signature'];

/**
 * A message signature about the given artifact: the tlog body must name the artifact's digest
 * (not merely the bundle's unauthenticated messageDigest hint), and with only a digest at hand
 * the signature is checked over the digest.
 */
function messageSignatureContent(signature: Buffer, algorithm: PrehashAlgorithm, digest: Buffer, bytes: Uint8Array | undefined): SignatureContent {
  return {
    signature,
    compareSignature: (other) => bufferEqual(other, signature),
    compareDigest: (other) => bufferEqual(other, digest),
    verifySignature: (key) => {
      if (bytes !== undefined) {
        return safeVerify(hashForKey(key) === null ? null : algorithm, bytes, key, signature);
      }
      const verified = verifyPrehashed(key, algorithm, digest, signature);
      if (verified === undefined) {
        input(`a ${key.asymmetricKeyType ?? 'unknown'} signature signs the artifact itself: give the artifact file, not its digest`);
      }
      return verified;
    },
  };
}

/**
 * DSSE content: the signature is over PAE(type, payload) (DSSE v1 protocol). Rekor v1 dsse/intoto
 * bodies record sha256(payload); Rekor v2 "hashedrekord over DSSE" (rekor-v2 spec §6.1.4) records
 * sha256(PAE) — either binds the same payload.
 */
function dsseContent(payloadType: string, payload: Buffer, signature: Buffer): SignatureContent {
  const pae = sigstoreCore().dsse.preAuthEncoding(payloadType, payload);
  const payloadHash = createHash('sha256').update(payload).digest();
  const paeHash = createHash('sha256').update(pae).digest();
  return {
    signature,
    compareSignature: (other) => bufferEqual(other, signature),
    compareDigest: (other) => bufferEqual(other, payloadHash) || bufferEqual(other, paeHash),
    verifySignature: (key) => safeVerify(hashForKey(key), pae, key, signature),
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * RFC 5280 §4.1.1.2: the outer signatureAlgorithm MUST equal tbsCertificate.signature. The outer
 * field is not signed, so a mismatch means the certificate was altered (Go's x509, and so cosign, refuse it).
 */
function checkSignatureAlgorithmFields(cert: X509Certificate): void {
  const tbs = cert.tbsCertificate;
  const inner = tbs.subs[tbs.subs[0]?.tag.isContextSpecific(0) === true ? 2 : 1];
  const outer = cert.root.subs[1];
  if (inner === undefined || outer === undefined || !inner.toDER().equals(outer.toDER())) {
    input('malformed certificate: signature algorithm differs from the signed one');
  }
}

/** @sigstore/core parses certificate extensions lazily: a malformed one throws on first access. */
function guardParse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    input(`malformed certificate: ${describeError(error)}`, error);
  }
}

/**
 * The signing certificate, with every certificate of the bundle parsed completely first: a
 * malformed one fails here as VERIFY_INPUT naming it ("certificate chain: certificate 2 is not
 * valid DER: …"), not later as an unexplained exception inside verification.
 */
function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  switch (content.$case) {
    case 'x509CertificateChain': {
      const chain = content.x509CertificateChain.certificates.map((c, i) => parseCertificate(c.rawBytes, `certificate chain: certificate ${i + 1}`));
      if (chain[0] === undefined) input('certificate chain: the bundle lists no certificate');
      return chain[0];
    }
    case 'certificate':
      return parseCertificate(content.certificate.rawBytes, 'bundle certificate');
    case 'publicKey':
      return undefined;
  }
}

/**
 * Verifies a sigstore bundle over a blob (or its digest). Resolves with what was verified;
 * rejects with SekishoError VERIFY_FAILED when the bundle does not prove the policy for this
 * artifact, VERIFY_INPUT when an input is malformed.
 */
export async function verifyBlob(options: VerifyBlobOptions): Promise<VerifyResult> {
  await Promise.resolve();
  const now = options.now ?? new Date();
  const policy = options.policy;
  const key = 'key' in policy ? parsePublicKey(policy.key) : undefined;
  const checkIdentity = 'key' in policy ? undefined : compileIdentityPolicy(policy);
  const anchors = toTrustAnchors(options.trustedRoot);
  const bundle = parseBundle(options.bundle);
  checkTlogEntries(bundle.verificationMaterial.tlogEntries, now);

  const bytes = 'bytes' in options.artifact ? options.artifact.bytes : undefined;
  const leaf = leafCertificate(bundle);
  if (leaf !== undefined) checkSignatureAlgorithmFields(leaf);
  let entity: SignedEntity;
  try {
    entity = sigstoreVerify().toSignedEntity(bundle, bytes === undefined ? undefined : Buffer.from(bytes));
  } catch (error) {
    input(`malformed bundle: ${describeError(error)}`, error);
  }

  let artifactDigest: string;
  let statement: VerifyResult['statement'];
  const content = bundle.content;
  if (content.$case === 'messageSignature') {
    const messageSignature = content.messageSignature;
    const digestField = messageSignature.messageDigest;
    const algorithm = digestField === undefined ? 'sha256' : HASH_ALGORITHMS[digestField.algorithm];
    if (algorithm === undefined) failed('bundle message digest uses an unsupported hash algorithm');
    let digest: Buffer;
    if (bytes !== undefined) {
      digest = createHash(algorithm).update(bytes).digest();
    } else {
      const given = parseDigest((options.artifact as { digest: string }).digest);
      if (given.algorithm !== algorithm) failed(`bundle signs a ${algorithm} digest, the artifact was given as ${given.algorithm}`);
      digest = Buffer.from(given.hex, 'hex');
    }
    // The messageDigest is an unauthenticated hint, but one that disagrees means the bundle is not about this artifact.
    if (digestField !== undefined && !bufferEqual(Buffer.from(digestField.digest), digest)) {
      failed('the artifact digest does not match the digest in the bundle');
    }
    artifactDigest = `${algorithm}:${digest.toString('hex')}`;
    entity = { ...entity, signature: messageSignatureContent(Buffer.from(messageSignature.signature), algorithm, digest, bytes) };
  } else {
    const envelope = content.dsseEnvelope;
    const signature = envelope.signatures[0]?.sig;
    if (envelope.signatures.length !== 1 || signature === undefined) failed('DSSE envelope must carry exactly one signature');
    const parsedStatement = parseStatement(envelope.payloadType, envelope.payload);
    const { algorithm, hex } =
      bytes !== undefined ? { algorithm: 'sha256' as const, hex: createHash('sha256').update(bytes).digest('hex') } : parseDigest((options.artifact as { digest: string }).digest);
    if (!statementHasSubject(parsedStatement, algorithm, hex)) {
      failed(`the artifact ${algorithm}:${hex} is not a subject of the in-toto statement`);
    }
    artifactDigest = `${algorithm}:${hex}`;
    statement = { predicateType: parsedStatement.predicateType, subjects: parsedStatement.subject.length };
    entity = { ...entity, signature: dsseContent(envelope.payloadType, Buffer.from(envelope.payload), Buffer.from(signature)) };
  }

  let material: TrustMaterial;
  let verifier: Verifier;
  if (key !== undefined) {
    // cosign --key: the given key is the trust anchor; a certificate in the bundle is only a key carrier.
    if (leaf !== undefined && !sameKey(parsePublicKeyFromCertificate(leaf), key)) {
      failed('the bundle certificate does not hold the given public key');
    }
    entity = { ...entity, key: { $case: 'public-key', hint: '' } };
    material = { ...anchors, publicKey: () => ({ publicKey: key, validFor: () => true }) };
    const tlogRequired = (policy as KeyPolicy).tlog !== 'if-present';
    verifier = new (sigstoreVerify().Verifier)(material, {
      tlogThreshold: tlogRequired || entity.tlogEntries.length > 0 ? 1 : 0,
      ctlogThreshold: 0,
      timestampThreshold: 0,
    });
  } else {
    if (leaf === undefined) failed('the bundle is signed with a public key, but a certificate identity was required');
    guardParse(() => checkLeafUsage(leaf));
    material = {
      ...anchors,
      publicKey: () => failed('the bundle names a public key, but a certificate identity was required'),
    };
    verifier = new (sigstoreVerify().Verifier)(material, {
      tlogThreshold: 1,
      ctlogThreshold: anchors.ctlogs.length > 0 ? 1 : 0,
      timestampThreshold: 1,
    });
  }

  try {
    verifier.verify(entity);
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    // @sigstore/verify reports its findings as VerificationErrors with a code; anything else
    // (a TypeError on a field it did not expect to be missing) is named as what it is.
    const coded = error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
    failed(coded ? describeError(error) : `verification stopped on malformed input (${error instanceof Error ? error.name : 'error'}: ${describeError(error)})`, error);
  }

  let signer: VerifiedSigner = { kind: 'key' };
  if (checkIdentity !== undefined && leaf !== undefined) {
    const identity = guardParse(() => certificateIdentity(leaf));
    checkIdentity(identity);
    signer = {
      kind: 'certificate',
      subjectAlternativeNames: identity.subjectAlternativeNames,
      oidcIssuer: identity.oidcIssuer,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
    };
  }

  const timestamps = entity.timestamps
    .map((t) => (t.$case === 'transparency-log' ? { source: t.$case, time: new Date(Number(t.tlogEntry.integratedTime) * 1000) } : { source: t.$case, time: t.timestamp.signingTime }))
    .sort((a, b) => a.time.getTime() - b.time.getTime());

  return {
    bundleMediaType: bundle.mediaType,
    content: content.$case === 'messageSignature' ? 'message-signature' : 'dsse',
    artifactDigest,
    signer,
    timestamps,
    tlogEntries: bundle.verificationMaterial.tlogEntries.map((e) => ({
      logIndex: e.logIndex,
      kind: e.kindVersion?.kind ?? '',
      version: e.kindVersion?.version ?? '',
    })),
    ...(statement === undefined ? {} : { statement }),
  };
}

const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** A signing certificate is an end-entity certificate for code signing (as Fulcio issues and sigstore-python requires). */
function checkLeafUsage(leaf: X509Certificate): void {
  if (leaf.extBasicConstraints?.isCA === true) failed('the signing certificate is a CA certificate');
  let usages: string[];
  try {
    usages = (leaf.extension(OID_EXT_KEY_USAGE)?.valueObj.subs[0]?.subs ?? []).map((o) => o.toOID());
  } catch (error) {
    failed('the signing certificate has a malformed extended key usage', error);
  }
  if (!usages.includes(OID_CODE_SIGNING)) failed('the signing certificate is not for code signing (extended key usage)');
  if (leaf.extKeyUsage !== undefined && !leaf.extKeyUsage.digitalSignature) failed('the signing certificate key usage lacks digitalSignature');
}

function parsePublicKeyFromCertificate(cert: X509Certificate): KeyObject {
  try {
    return createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' });
  } catch (error) {
    failed('the bundle certificate holds an unusable public key', error);
  }
}
