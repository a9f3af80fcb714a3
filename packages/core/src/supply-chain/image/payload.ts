/**
 * What cosign signs and stores for container images.
 * - Simple signing payload and the legacy `.sig`/`.att` tag layout: sigstore/cosign specs/SIGNATURE_SPEC.md
 *   (payload format from containers/image docs/containers-signature.5.md, "critical" / "optional").
 * - Sigstore bundles as OCI 1.1 referrers: sigstore/cosign specs/BUNDLE_SPEC.md.
 * - In-toto statement v1: in-toto/attestation spec/v1/statement.md; DSSE envelope: secure-systems-lab/dsse envelope.md.
 */
import { createHash } from 'node:crypto';
import { SekishoError } from '../../errors.js';

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';
export const CHAIN_ANNOTATION = 'dev.sigstore.cosign/chain';
export const REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';
export const PREDICATE_TYPE_ANNOTATION = 'predicateType';
export const BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
/** Predicate type cosign (v3, new bundle format) uses for image signatures made as DSSE statements. */
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const OCI_EMPTY_BLOB = Buffer.from('{}');

const MAX_PAYLOAD_BYTES = 1024 * 1024;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** cosign's `--type` shorthands (cosign pkg/cosign/attestation: predicate type URIs). */
export const PREDICATE_TYPES: Readonly<Record<string, string>> = {
  custom: 'https://cosign.sigstore.dev/attestation/v1',
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  link: 'https://in-toto.io/Link/v1',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  openvex: 'https://openvex.dev/ns',
};

/** A `--type` value as a predicate type URI: a shorthand, or an absolute URI given as is. */
export function predicateTypeFor(type: string): string {
  const known = PREDICATE_TYPES[type.toLowerCase()];
  if (known !== undefined) return known;
  if (type.length <= 1024 && /^[a-z][a-z0-9+.-]*:\S+$/i.test(type)) return type;
  throw new SekishoError('USAGE_INVALID', `unknown attestation type ${JSON.stringify(type.slice(0, 100))}: use ${Object.keys(PREDICATE_TYPES).join(', ')} or a URI`);
}

function checkDigest(digest: string): void {
  if (!DIGEST.test(digest)) throw new SekishoError('VERIFY_INPUT', `image digest ${JSON.stringify(digest.slice(0, 100))} is not sha256:<hex>`);
}

/** The simple signing payload cosign signs for `REF@DIGEST`, bytes as cosign writes them. */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  checkDigest(digest);
  const payload = {
    critical: {
      identity: { 'docker-reference': dockerReference },
      image: { 'docker-manifest-digest': digest },
      type: SIMPLE_SIGNING_TYPE,
    },
    optional: null,
  };
  return Buffer.from(JSON.stringify(payload));
}

export interface SimpleSigningClaim {
  readonly dockerReference: string;
  readonly digest: string;
  readonly optional: Readonly<Record<string, unknown>> | null;
}

function failed(message: string): never {
  throw new SekishoError('VERIFY_FAILED', message);
}

/** The claim a (verified) simple signing payload makes; VERIFY_FAILED when it is not one. */
export function parseSimpleSigningPayload(bytes: Uint8Array): SimpleSigningClaim {
  if (bytes.length > MAX_PAYLOAD_BYTES) failed(`signature payload is larger than ${MAX_PAYLOAD_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    failed('signature payload is not JSON');
  }
  const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null);
  const critical = record(record(json)?.['critical']);
  if (critical === null) failed('signature payload has no "critical" section');
  if (critical['type'] !== SIMPLE_SIGNING_TYPE) failed(`signature payload type is not "${SIMPLE_SIGNING_TYPE}"`);
  const digest = record(critical['image'])?.['docker-manifest-digest'];
  const reference = record(critical['identity'])?.['docker-reference'];
  if (typeof digest !== 'string') failed('signature payload names no docker-manifest-digest');
  const optional = record(record(json)?.['optional']);
  return { dockerReference: typeof reference === 'string' ? reference : '', digest, optional };
}

/** An in-toto v1 statement about one image: subject name is the repository, digest the manifest's. */
export function imageStatement(options: { readonly name: string; readonly digest: string; readonly predicateType: string; readonly predicate: unknown }): Buffer {
  checkDigest(options.digest);
  const statement = {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: options.name, digest: { sha256: options.digest.slice('sha256:'.length) } }],
    predicateType: options.predicateType,
    predicate: options.predicate,
  };
  return Buffer.from(JSON.stringify(statement));
}

/** DSSE v1 pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export interface OciDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function descriptorOf(mediaType: string, bytes: Uint8Array, extra: { artifactType?: string; annotations?: Record<string, string> } = {}): OciDescriptor {
  return { mediaType, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length, ...extra };
}

/** The legacy tag a signature (`.sig`) or attestation (`.att`) manifest lives under: `sha256-<hex>.sig`. */
export function legacyTag(digest: string, suffix: 'sig' | 'att'): string {
  checkDigest(digest);
  return `${digest.replace(':', '-')}.${suffix}`;
}

/**
 * The config blob of a legacy signature manifest: a minimal image config whose rootfs lists the
 * layers, so that tools treating the `.sig` artifact as an image can read it (cosign does the same).
 */
export function legacyConfig(layers: readonly OciDescriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
}

export function ociManifest(options: {
  readonly config: OciDescriptor;
  readonly layers: readonly OciDescriptor[];
  readonly artifactType?: string;
  readonly subject?: OciDescriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      ...(options.artifactType === undefined ? {} : { artifactType: options.artifactType }),
      config: options.config,
      layers: options.layers,
      ...(options.subject === undefined ? {} : { subject: options.subject }),
      ...(options.annotations === undefined ? {} : { annotations: options.annotations }),
    }),
  );
}

export interface ParsedManifest {
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config?: OciDescriptor;
  readonly layers: readonly OciDescriptor[];
  readonly subject?: OciDescriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

const MAX_LAYERS = 256;

function isDescriptor(value: unknown): value is OciDescriptor {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  if (typeof d['mediaType'] !== 'string' || typeof d['digest'] !== 'string' || typeof d['size'] !== 'number') return false;
  if (!Number.isSafeInteger(d['size']) || d['size'] < 0) return false;
  const annotations = d['annotations'];
  if (annotations === undefined) return true;
  if (typeof annotations !== 'object' || annotations === null || Array.isArray(annotations)) return false;
  return Object.values(annotations).every((v) => typeof v === 'string');
}

/** An OCI image manifest used as an artifact; VERIFY_FAILED when it is not one. */
export function parseArtifactManifest(bytes: Uint8Array): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    failed('artifact manifest is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) failed('artifact manifest is not a JSON object');
  const m = json as Record<string, unknown>;
  const layers = m['layers'];
  if (!Array.isArray(layers) || layers.length > MAX_LAYERS || !layers.every(isDescriptor)) failed('artifact manifest layers are malformed');
  if (m['subject'] !== undefined && !isDescriptor(m['subject'])) failed('artifact manifest subject is malformed');
  if (m['config'] !== undefined && !isDescriptor(m['config'])) failed('artifact manifest config is malformed');
  return {
    ...(typeof m['mediaType'] === 'string' ? { mediaType: m['mediaType'] } : {}),
    ...(typeof m['artifactType'] === 'string' ? { artifactType: m['artifactType'] } : {}),
    ...(m['config'] === undefined ? {} : { config: m['config'] }),
    layers: layers,
    ...(m['subject'] === undefined ? {} : { subject: m['subject'] }),
    ...(typeof m['annotations'] === 'object' && m['annotations'] !== null ? { annotations: m['annotations'] as Record<string, string> } : {}),
  };
}
