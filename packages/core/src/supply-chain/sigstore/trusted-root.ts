/**
 * Sigstore TrustedRoot (protobuf-specs sigstore_trustroot.proto) → the trust material
 * @sigstore/verify works with. Parsed here rather than through protobuf-specs so that the
 * input is validated strictly (bounded sizes, required validity starts) before any crypto runs.
 */
import { readFile, stat } from 'node:fs/promises';
import type { crypto } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';
import { SekishoError } from '../../errors.js';
import { lazyModule } from '../../util/lazy-module.js';
import { decodeBase64, parseCertificate } from './certificate.js';
import { trustedRootSchema, type CertificateAuthorityJson, type ParsedTrustedRootJson, type TransparencyLogInstanceJson, type TrustedRootJson } from './schema.js';
import { PARSE_ONCE } from '../../util/parse-once.js';

export type { TrustedRootJson } from './schema.js';

const sigstoreCore = lazyModule<typeof import('@sigstore/core')>('@sigstore/core');

/** Trust material without the public-key finder, which depends on the verification policy. */
export type TrustAnchors = Omit<TrustMaterial, 'publicKey'>;
type TLogAuthority = TrustMaterial['tlogs'][number];
type CertAuthority = TrustMaterial['certificateAuthorities'][number];

const MAX_TRUSTED_ROOT_BYTES = 4 * 1024 * 1024;
const END_OF_TIME = new Date(8_640_000_000_000_000);

function fail(message: string, cause?: unknown): never {
  throw new SekishoError('VERIFY_INPUT', `trusted root: ${message}`, { cause });
}

function toTLogAuthority(log: TransparencyLogInstanceJson, where: string): TLogAuthority {
  const details = log.publicKey.keyDetails;
  const keyType = details.startsWith('PKCS1_') ? 'pkcs1' : 'spki';
  let publicKey: crypto.KeyObject;
  try {
    publicKey = sigstoreCore().crypto.createPublicKey(decodeBase64(log.publicKey.rawBytes, `trusted root: ${where}: public key`), keyType);
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    fail(`${where}: public key does not parse (${details}): ${error instanceof Error ? error.message : String(error)}`, error);
  }
  return {
    baseURL: log.baseUrl,
    logID: Buffer.from((log.checkpointKeyId ?? log.logId).keyId, 'base64'),
    publicKey,
    validFor: {
      start: new Date(log.publicKey.validFor.start),
      end: log.publicKey.validFor.end == null ? END_OF_TIME : new Date(log.publicKey.validFor.end),
    },
  };
}

function toCertAuthority(ca: CertificateAuthorityJson, where: string): CertAuthority {
  const certChain = ca.certChain.certificates.map((cert, i) => {
    const part = `trusted root: ${where}: certificate ${i}`;
    return parseCertificate(decodeBase64(cert.rawBytes, part), part);
  });
  return {
    certChain,
    validFor: {
      start: new Date(ca.validFor.start),
      end: ca.validFor.end == null ? END_OF_TIME : new Date(ca.validFor.end),
    },
  };
}

/** Validates a TrustedRoot JSON object; throws VERIFY_INPUT when it is malformed. */
export function parseTrustedRoot(json: unknown): ParsedTrustedRootJson {
  const parsed = trustedRootSchema.safeParse(json, PARSE_ONCE);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, parsed.error);
  }
  return parsed.data;
}

export function toTrustAnchors(json: unknown): TrustAnchors {
  const root = parseTrustedRoot(json);
  return {
    certificateAuthorities: root.certificateAuthorities.map((ca, i) => toCertAuthority(ca, `certificateAuthorities[${i}]`)),
    timestampAuthorities: root.timestampAuthorities.map((ca, i) => toCertAuthority(ca, `timestampAuthorities[${i}]`)),
    tlogs: root.tlogs.map((log, i) => toTLogAuthority(log, `tlogs[${i}]`)),
    ctlogs: root.ctlogs.map((log, i) => toTLogAuthority(log, `ctlogs[${i}]`)),
  };
}

/**
 * Reads a TrustedRoot JSON file (offline; e.g. the `trusted_root.json` that `cosign trusted-root create`
 * or a TUF client writes) and validates it, including that every key and certificate parses.
 */
export async function loadTrustedRoot(file: string): Promise<TrustedRootJson> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) fail(`${file} is not a file`);
    if (info.size > MAX_TRUSTED_ROOT_BYTES) fail(`${file} is larger than ${MAX_TRUSTED_ROOT_BYTES} bytes`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    fail(`cannot read ${file}`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`${file} is not JSON`, error);
  }
  toTrustAnchors(json);
  return json as TrustedRootJson;
}
