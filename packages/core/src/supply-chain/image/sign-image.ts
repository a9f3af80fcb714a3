/**
 * Key-based signing and attestation of images in a registry, stored as cosign stores them:
 * the legacy `sha256-<hex>.sig` / `.att` tags (cosign specs/SIGNATURE_SPEC.md) and sigstore
 * bundles attached as OCI 1.1 referrers (cosign specs/BUNDLE_SPEC.md). No Fulcio, no Rekor:
 * bundles carry a public-key hint and no tlog entry (verify with `tlog: 'if-present'`).
 */
import { lazyModule } from '../../util/lazy-module.js';
import type { RegistryOptions } from '../../source/registry/options.js';
import type { RegistryClient } from '../../source/registry/client.js';
import { SekishoError } from '../../errors.js';
import { signBlob } from '../sigstore/sign-blob.js';
import {
  BUNDLE_ARTIFACT_TYPE,
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_PREDICATE_TYPE_ANNOTATION,
  DSSE_MEDIA_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  OCI_EMPTY_BLOB,
  OCI_EMPTY_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  PREDICATE_TYPE_ANNOTATION,
  SIGNATURE_ANNOTATION,
  SIMPLE_SIGNING_MEDIA_TYPE,
  descriptorOf,
  imageStatement,
  legacyConfig,
  legacyTag,
  ociManifest,
  parseArtifactManifest,
  preAuthEncoding,
  simpleSigningPayload,
  type OciDescriptor,
} from './payload.js';
import { addToReferrersTag, hasReferrersApi, resolveImage, type ResolvedImage } from './registry-io.js';

const sigstoreBundle = lazyModule<typeof import('@sigstore/bundle')>('@sigstore/bundle');

export interface SignImageOptions {
  /** PEM private key (PKCS#8, SEC 1 or PKCS#1; unencrypted): ECDSA P-256/P-384/P-521, Ed25519, RSA. */
  readonly key: string | Uint8Array;
  readonly registry?: RegistryOptions;
  /** Which storage forms to write (default both). */
  readonly forms?: readonly StorageForm[];
  /** Creation time written in annotations (default now). */
  readonly now?: Date;
}

export type StorageForm = 'legacy-tag' | 'bundle-referrer';

export interface SignImageResult {
  /** `registry/repository@sha256:…` that was signed. */
  readonly image: string;
  readonly digest: string;
  /** The signer's public key (SPKI PEM). */
  readonly publicKey: string;
  /** Where each form was stored: a tag, or the referrer manifest digest. */
  readonly stored: readonly { readonly form: StorageForm; readonly location: string }[];
}

export interface AttestImageOptions extends SignImageOptions {
  /** Predicate type URI (see predicateTypeFor). */
  readonly predicateType: string;
  /** The predicate (parsed JSON). */
  readonly predicate: unknown;
}

const MAX_LEGACY_LAYERS = 100;

interface MessageSignature {
  readonly signature: string;
  readonly hint: string;
  readonly publicKey: string;
}

/** A signature over `bytes` by the key, through signBlob (same key rules as blob signing). */
function signBytes(key: string | Uint8Array, bytes: Uint8Array): MessageSignature {
  const { bundle, publicKey } = signBlob({ key, artifact: bytes });
  const json = JSON.parse(Buffer.from(bundle).toString('utf8')) as {
    verificationMaterial: { publicKey: { hint: string } };
    messageSignature: { signature: string };
  };
  return { signature: json.messageSignature.signature, hint: json.verificationMaterial.publicKey.hint, publicKey };
}

/** A sigstore v0.3 bundle holding a key-signed DSSE envelope over an in-toto statement. */
export function dsseBundle(key: string | Uint8Array, statement: Uint8Array): { bundle: Buffer; envelope: Buffer; publicKey: string } {
  const signed = signBytes(key, preAuthEncoding(IN_TOTO_PAYLOAD_TYPE, statement));
  const envelope = {
    payload: Buffer.from(statement).toString('base64'),
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    signatures: [{ sig: signed.signature, keyid: '' }],
  };
  const bundle = {
    mediaType: sigstoreBundle().BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: signed.hint }, tlogEntries: [] },
    dsseEnvelope: envelope,
  };
  return { bundle: Buffer.from(`${JSON.stringify(bundle)}\n`), envelope: Buffer.from(JSON.stringify(envelope)), publicKey: signed.publicKey };
}

/** Appends a layer to the legacy `.sig`/`.att` manifest (cosign keeps all signatures of a digest in one). */
async function appendLegacyLayer(image: ResolvedImage, tag: string, layer: OciDescriptor, content: Buffer): Promise<void> {
  const { client } = image;
  const repository = image.reference.repository;
  let layers: OciDescriptor[] = [];
  try {
    const existing = await client.getManifest(repository, tag);
    layers = [...parseArtifactManifest(existing.bytes).layers];
  } catch (error) {
    if (!(error instanceof SekishoError && (error.code === 'SOURCE_NOT_FOUND' || error.code === 'VERIFY_FAILED'))) throw error;
  }
  if (layers.some((l) => l.digest === layer.digest && l.annotations?.[SIGNATURE_ANNOTATION] === layer.annotations?.[SIGNATURE_ANNOTATION])) return;
  if (layers.length >= MAX_LEGACY_LAYERS) throw new SekishoError('USAGE_INVALID', `${tag} already holds ${layers.length} entries`);
  layers.push(layer);
  await client.pushBlob(repository, content);
  const config = legacyConfig(layers);
  await client.pushBlob(repository, config);
  const manifest = ociManifest({ config: descriptorOf('application/vnd.oci.image.config.v1+json', config), layers });
  await client.pushManifest(repository, tag, manifest, OCI_MANIFEST_MEDIA_TYPE);
}

async function attachBundle(image: ResolvedImage, bundle: Buffer, annotations: Record<string, string>): Promise<string> {
  const { client } = image;
  const repository = image.reference.repository;
  await client.pushBlob(repository, OCI_EMPTY_BLOB);
  await client.pushBlob(repository, bundle);
  const layer = descriptorOf(BUNDLE_ARTIFACT_TYPE, bundle);
  const manifest = ociManifest({
    artifactType: BUNDLE_ARTIFACT_TYPE,
    config: descriptorOf(OCI_EMPTY_MEDIA_TYPE, OCI_EMPTY_BLOB),
    layers: [{ ...layer, annotations: { 'org.opencontainers.image.title': `${layer.digest.replace(':', '-')}.sigstore.json` } }],
    subject: image.descriptor,
    annotations,
  });
  const digest = await client.pushManifest(repository, descriptorOf(OCI_MANIFEST_MEDIA_TYPE, manifest).digest, manifest, OCI_MANIFEST_MEDIA_TYPE);
  if (!(await hasReferrersApi(client, repository, image.manifest.digest))) {
    await addToReferrersTag(client, repository, image.manifest.digest, {
      ...descriptorOf(OCI_MANIFEST_MEDIA_TYPE, manifest),
      artifactType: BUNDLE_ARTIFACT_TYPE,
      annotations,
    });
  }
  return digest;
}

async function withImage<T>(reference: string, options: SignImageOptions, fn: (image: ResolvedImage, client: RegistryClient) => Promise<T>): Promise<T> {
  const image = await resolveImage(reference, options.registry);
  try {
    return await fn(image, image.client);
  } finally {
    await image.client.close();
  }
}

/**
 * `cosign sign --key`: signs the manifest the reference resolves to. Legacy form: the simple
 * signing payload, signed, as a layer of `sha256-<hex>.sig`. Bundle form: a message signature
 * over the manifest bytes (the artifact digest is the image digest), attached as a referrer.
 */
export async function signImage(reference: string, options: SignImageOptions): Promise<SignImageResult> {
  const forms = options.forms ?? ['legacy-tag', 'bundle-referrer'];
  return withImage(reference, options, async (image) => {
    const digest = image.manifest.digest;
    const stored: { form: StorageForm; location: string }[] = [];
    let publicKey = '';
    if (forms.includes('legacy-tag')) {
      const payload = simpleSigningPayload(image.name, digest);
      const signed = signBytes(options.key, payload);
      publicKey = signed.publicKey;
      const tag = legacyTag(digest, 'sig');
      await appendLegacyLayer(image, tag, descriptorOf(SIMPLE_SIGNING_MEDIA_TYPE, payload, { annotations: { [SIGNATURE_ANNOTATION]: signed.signature } }), payload);
      stored.push({ form: 'legacy-tag', location: tag });
    }
    if (forms.includes('bundle-referrer')) {
      const signed = signBlob({ key: options.key, artifact: image.manifest.bytes });
      publicKey = signed.publicKey;
      const location = await attachBundle(image, Buffer.from(signed.bundle), {
        [BUNDLE_CONTENT_ANNOTATION]: 'message-signature',
        'org.opencontainers.image.created': (options.now ?? new Date()).toISOString(),
      });
      stored.push({ form: 'bundle-referrer', location });
    }
    return { image: `${image.name}@${digest}`, digest, publicKey, stored };
  });
}

/**
 * `cosign attest --key --predicate --type`: an in-toto statement (subject: repository name and
 * manifest digest) in a DSSE envelope; as a bundle referrer and, in the legacy form, as a layer of
 * `sha256-<hex>.att` (the envelope itself, media type application/vnd.dsse.envelope.v1+json).
 */
export async function attestImage(reference: string, options: AttestImageOptions): Promise<SignImageResult> {
  const forms = options.forms ?? ['bundle-referrer'];
  return withImage(reference, options, async (image) => {
    const digest = image.manifest.digest;
    const statement = imageStatement({ name: image.name, digest, predicateType: options.predicateType, predicate: options.predicate });
    const { bundle, envelope, publicKey } = dsseBundle(options.key, statement);
    const stored: { form: StorageForm; location: string }[] = [];
    if (forms.includes('legacy-tag')) {
      const tag = legacyTag(digest, 'att');
      await appendLegacyLayer(image, tag, descriptorOf(DSSE_MEDIA_TYPE, envelope, { annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_TYPE_ANNOTATION]: options.predicateType } }), envelope);
      stored.push({ form: 'legacy-tag', location: tag });
    }
    if (forms.includes('bundle-referrer')) {
      const location = await attachBundle(image, bundle, {
        [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
        [BUNDLE_PREDICATE_TYPE_ANNOTATION]: options.predicateType,
        'org.opencontainers.image.created': (options.now ?? new Date()).toISOString(),
      });
      stored.push({ form: 'bundle-referrer', location });
    }
    return { image: `${image.name}@${digest}`, digest, publicKey, stored };
  });
}
