/**
 * `cosign verify` / `cosign verify-attestation` for images in a registry: signatures are looked
 * for in both storage forms (legacy `sha256-<hex>.sig` / `.att` tags, sigstore bundles listed as
 * OCI 1.1 referrers or through the referrers tag schema) and each is checked with verifyBlob, the
 * one verifier for every form: a legacy entry is restated as the sigstore bundle it amounts to
 * (signature + certificate or key hint + the Rekor SET cosign stores beside it) and checked over
 * its payload; the payload must then name this image's digest.
 */
import { lazyModule } from '../../util/lazy-module.js';
import { createHash } from 'node:crypto';
import type { RegistryOptions } from '../../source/registry/options.js';
import { SekishoError } from '../../errors.js';
import { verifyBlob, type VerifiedSigner, type VerifyPolicy } from '../sigstore/verify-blob.js';
import {
  BUNDLE_ARTIFACT_TYPE,
  CERTIFICATE_ANNOTATION,
  CHAIN_ANNOTATION,
  COSIGN_SIGN_PREDICATE_TYPE,
  DSSE_MEDIA_TYPE,
  REKOR_BUNDLE_ANNOTATION,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  legacyTag,
  parseArtifactManifest,
  parseSimpleSigningPayload,
  type OciDescriptor,
} from './payload.js';
import { resolveImage, type ResolvedImage } from './registry-io.js';

const sigstoreBundle = lazyModule<typeof import('@sigstore/bundle')>('@sigstore/bundle');

export type VerifyImageMode = { readonly kind: 'signature' } | { readonly kind: 'attestation'; readonly predicateType?: string };

export interface VerifyImageOptions {
  readonly policy: VerifyPolicy;
  /** Sigstore TrustedRoot JSON; for key policies without tlog entries an empty root will do. */
  readonly trustedRoot: object;
  readonly mode?: VerifyImageMode;
  readonly registry?: RegistryOptions;
  readonly now?: Date;
}

export interface SignatureCheck {
  readonly form: 'legacy-tag' | 'bundle-referrer';
  /** `sha256-<hex>.sig#<n>` (tag and layer) or the referrer manifest digest. */
  readonly source: string;
  readonly ok: boolean;
  readonly signer?: VerifiedSigner;
  readonly predicateType?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface VerifyImageResult {
  readonly image: string;
  readonly digest: string;
  readonly checks: readonly SignatureCheck[];
  readonly verified: readonly SignatureCheck[];
}

const MAX_ENTRIES = 64;
const MAX_PAYLOAD_BYTES = 1024 * 1024;
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
const MAX_ANNOTATION_BYTES = 64 * 1024;
const BUNDLE_MEDIA_TYPES = new Set([
  BUNDLE_ARTIFACT_TYPE,
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
]);

function failed(message: string): never {
  throw new SekishoError('VERIFY_FAILED', message);
}

function pemToBase64Der(pem: string): string[] {
  if (pem.length > MAX_ANNOTATION_BYTES) failed('certificate annotation is too large');
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]{1,16384}?)-----END CERTIFICATE-----/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
  if (blocks.length === 0) failed('certificate annotation holds no PEM certificate');
  return blocks;
}

/**
 * The Rekor SET cosign stores in `dev.sigstore.cosign/bundle` (`{SignedEntryTimestamp, Payload:
 * {body, integratedTime, logIndex, logID}}`) as a bundle tlog entry with an inclusion promise.
 */
function tlogEntryOf(annotation: string | undefined): object[] {
  if (annotation === undefined) return [];
  if (annotation.length > MAX_ANNOTATION_BYTES) failed('Rekor bundle annotation is too large');
  let json: { SignedEntryTimestamp?: unknown; Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown } };
  try {
    json = JSON.parse(annotation) as typeof json;
  } catch {
    failed('Rekor bundle annotation is not JSON');
  }
  const p = json.Payload;
  if (
    typeof json.SignedEntryTimestamp !== 'string' ||
    p === undefined ||
    typeof p.body !== 'string' ||
    typeof p.integratedTime !== 'number' ||
    typeof p.logIndex !== 'number' ||
    typeof p.logID !== 'string' ||
    !/^[0-9a-f]{64}$/.test(p.logID)
  ) {
    failed('Rekor bundle annotation is malformed');
  }
  let body: { kind?: unknown; apiVersion?: unknown };
  try {
    body = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8')) as typeof body;
  } catch {
    failed('Rekor entry body is not JSON');
  }
  if (typeof body.kind !== 'string' || typeof body.apiVersion !== 'string') failed('Rekor entry body names no kind');
  return [
    {
      logIndex: String(p.logIndex),
      logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
      kindVersion: { kind: body.kind, version: body.apiVersion },
      integratedTime: String(p.integratedTime),
      inclusionPromise: { signedEntryTimestamp: json.SignedEntryTimestamp },
      canonicalizedBody: p.body,
    },
  ];
}

/** Certificate (and chain) annotations as bundle verification material, or a bare key hint. */
function verificationMaterial(annotations: Readonly<Record<string, string>>): { mediaType: string; material: object } {
  const tlogEntries = tlogEntryOf(annotations[REKOR_BUNDLE_ANNOTATION]);
  const certificate = annotations[CERTIFICATE_ANNOTATION];
  if (certificate === undefined || certificate === '') {
    return { mediaType: sigstoreBundle().BUNDLE_V03_MEDIA_TYPE, material: { publicKey: { hint: '' }, tlogEntries } };
  }
  const chain = [...pemToBase64Der(certificate).slice(0, 1), ...(annotations[CHAIN_ANNOTATION] === undefined ? [] : pemToBase64Der(annotations[CHAIN_ANNOTATION]))];
  return {
    mediaType: sigstoreBundle().BUNDLE_V01_MEDIA_TYPE,
    material: { x509CertificateChain: { certificates: chain.map((rawBytes) => ({ rawBytes })) }, tlogEntries },
  };
}

function checkOf(form: SignatureCheck['form'], source: string, error: unknown): SignatureCheck {
  if (error instanceof SekishoError) return { form, source, ok: false, error: { code: error.code, message: error.message } };
  throw error;
}

async function legacySignatures(image: ResolvedImage, options: VerifyImageOptions, mode: VerifyImageMode): Promise<SignatureCheck[]> {
  const repository = image.reference.repository;
  const tag = legacyTag(image.manifest.digest, mode.kind === 'signature' ? 'sig' : 'att');
  let layers: readonly OciDescriptor[];
  try {
    layers = parseArtifactManifest((await image.client.getManifest(repository, tag)).bytes).layers;
  } catch (error) {
    if (error instanceof SekishoError && error.code === 'SOURCE_NOT_FOUND') return [];
    return [checkOf('legacy-tag', tag, error)];
  }
  const checks: SignatureCheck[] = [];
  for (const [i, layer] of layers.slice(0, MAX_ENTRIES).entries()) {
    const source = `${tag}#${i}`;
    try {
      checks.push(await checkLegacyLayer(image, options, mode, layer, source));
    } catch (error) {
      checks.push(checkOf('legacy-tag', source, error));
    }
  }
  return checks;
}

async function checkLegacyLayer(image: ResolvedImage, options: VerifyImageOptions, mode: VerifyImageMode, layer: OciDescriptor, source: string): Promise<SignatureCheck> {
  const annotations = layer.annotations ?? {};
  const wanted = mode.kind === 'signature' ? SIMPLE_SIGNING_MEDIA_TYPE : DSSE_MEDIA_TYPE;
  if (layer.mediaType !== wanted) failed(`${source}: layer media type ${layer.mediaType.slice(0, 100)} is not ${wanted}`);
  if (layer.size > MAX_PAYLOAD_BYTES) failed(`${source}: payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  const content = await image.client.readBlob(image.reference.repository, layer.digest, MAX_PAYLOAD_BYTES);
  const { mediaType, material } = verificationMaterial(annotations);
  let bundle: object;
  if (mode.kind === 'signature') {
    const signature = annotations[SIGNATURE_ANNOTATION];
    if (signature === undefined || signature === '' || signature.length > MAX_ANNOTATION_BYTES) failed(`${source}: no signature annotation`);
    bundle = {
      mediaType,
      verificationMaterial: material,
      messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(content).digest('base64') }, signature },
    };
  } else {
    let envelope: unknown;
    try {
      envelope = JSON.parse(content.toString('utf8'));
    } catch {
      failed(`${source}: DSSE envelope is not JSON`);
    }
    bundle = { mediaType, verificationMaterial: material, dsseEnvelope: envelope };
  }
  const result = await verifyBlob({
    bundle: Buffer.from(JSON.stringify(bundle)),
    artifact: mode.kind === 'signature' ? { bytes: content } : { digest: image.manifest.digest },
    policy: options.policy,
    trustedRoot: options.trustedRoot,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  if (mode.kind === 'signature') {
    const claim = parseSimpleSigningPayload(content);
    if (claim.digest !== image.manifest.digest) failed(`${source}: the signature is for ${claim.digest.slice(0, 100)}, not ${image.manifest.digest}`);
    return { form: 'legacy-tag', source, ok: true, signer: result.signer };
  }
  return attestationCheck('legacy-tag', source, mode, result.statement?.predicateType, result.signer);
}

function attestationCheck(form: SignatureCheck['form'], source: string, mode: VerifyImageMode, predicateType: string | undefined, signer: VerifiedSigner): SignatureCheck {
  if (predicateType === undefined) failed(`${source}: not an attestation`);
  if (mode.kind === 'attestation' && mode.predicateType !== undefined && predicateType !== mode.predicateType) {
    failed(`${source}: predicate type ${predicateType.slice(0, 200)} is not ${mode.predicateType}`);
  }
  return { form, source, ok: true, signer, predicateType };
}

async function bundleReferrers(image: ResolvedImage, options: VerifyImageOptions, mode: VerifyImageMode): Promise<SignatureCheck[]> {
  const repository = image.reference.repository;
  let referrers;
  try {
    referrers = await image.client.referrers(repository, image.manifest.digest);
  } catch (error) {
    return [checkOf('bundle-referrer', 'referrers', error)];
  }
  const candidates = referrers.filter((r) => r.artifactType === undefined || BUNDLE_MEDIA_TYPES.has(r.artifactType)).slice(0, MAX_ENTRIES);
  const checks: SignatureCheck[] = [];
  for (const referrer of candidates) {
    try {
      checks.push(await checkBundleReferrer(image, options, mode, referrer.digest));
    } catch (error) {
      checks.push(checkOf('bundle-referrer', referrer.digest, error));
    }
  }
  return checks;
}

async function checkBundleReferrer(image: ResolvedImage, options: VerifyImageOptions, mode: VerifyImageMode, digest: string): Promise<SignatureCheck> {
  const manifest = parseArtifactManifest((await image.client.getManifest(image.reference.repository, digest)).bytes);
  const artifactType = manifest.artifactType ?? manifest.config?.mediaType;
  if (artifactType === undefined || !BUNDLE_MEDIA_TYPES.has(artifactType)) failed(`${digest}: not a sigstore bundle`);
  if (manifest.subject?.digest !== image.manifest.digest) failed(`${digest}: its subject is not ${image.manifest.digest}`);
  const layer = manifest.layers[0];
  if (manifest.layers.length !== 1 || layer === undefined || !BUNDLE_MEDIA_TYPES.has(layer.mediaType)) failed(`${digest}: expected one bundle layer`);
  if (layer.size > MAX_BUNDLE_BYTES) failed(`${digest}: bundle is larger than ${MAX_BUNDLE_BYTES} bytes`);
  const bundle = await image.client.readBlob(image.reference.repository, layer.digest, MAX_BUNDLE_BYTES);
  const result = await verifyBlob({
    bundle,
    artifact: { bytes: image.manifest.bytes },
    policy: options.policy,
    trustedRoot: options.trustedRoot,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const predicateType = result.statement?.predicateType;
  if (mode.kind === 'signature') {
    // cosign v3 signs images as a DSSE statement of this predicate type in the bundle form.
    if (result.content === 'dsse' && predicateType !== COSIGN_SIGN_PREDICATE_TYPE) failed(`${digest}: an attestation (${String(predicateType).slice(0, 200)}), not a signature`);
    return { form: 'bundle-referrer', source: digest, ok: true, signer: result.signer };
  }
  if (result.content !== 'dsse') failed(`${digest}: a signature, not an attestation`);
  return attestationCheck('bundle-referrer', digest, mode, predicateType, result.signer);
}

/** Every signature (or attestation) found for the image, each verified; never throws VERIFY_*. */
export async function verifyImage(reference: string, options: VerifyImageOptions): Promise<VerifyImageResult> {
  const mode = options.mode ?? { kind: 'signature' };
  const image = await resolveImage(reference, options.registry);
  try {
    const checks = [...(await legacySignatures(image, options, mode)), ...(await bundleReferrers(image, options, mode))];
    return { image: `${image.name}@${image.manifest.digest}`, digest: image.manifest.digest, checks, verified: checks.filter((c) => c.ok) };
  } finally {
    await image.client.close();
  }
}

/** Throws VERIFY_FAILED unless at least one check verified (the CLI's exit condition). */
export function requireVerified(result: VerifyImageResult, what = 'signatures'): void {
  if (result.verified.length > 0) return;
  const reasons = result.checks.map((c) => `${c.form} ${c.source}: ${c.error?.message ?? 'not verified'}`);
  throw new SekishoError('VERIFY_FAILED', result.checks.length === 0 ? `no ${what} found for ${result.image}` : `no ${what} verified for ${result.image}:\n  ${reasons.join('\n  ')}`, {
    where: { image: result.image },
  });
}
