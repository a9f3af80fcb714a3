/**
 * Image trust policy: where images may come from, who must have signed them, which attestations
 * they must carry. Evaluated against the registry; each breach is a supply-chain finding.
 *
 * ```yaml
 * allowedRepositories: ["docker.io/library/*", "ghcr.io/acme/**"]   # absent: any
 * trustedRoot: trusted_root.json          # for identity signers (and keys with tlog entries)
 * rules:
 *   - repositories: ["ghcr.io/acme/**"]
 *     signers:                             # any one of them must have signed the image
 *       - key: keys/cosign.pub
 *         tlog: if-present                 # default: required, as cosign
 *       - identity: https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main
 *         issuer: https://token.actions.githubusercontent.com
 *     attestations: [cyclonedx, slsaprovenance1]   # each signed by one of the signers
 * ```
 * Globs match `registry/repository` (Docker-normalised): `*` within one path segment, `**` across.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { SupplyChainFinding } from '@sekisho/model';
import { z } from 'zod';
import { SekishoError } from '../../errors.js';
import type { RegistryOptions } from '../../source/registry/options.js';
import { parseImageReference } from '../../source/registry/reference.js';
import type { CertificateIdentityPolicy } from '../sigstore/identity.js';
import type { VerifyPolicy } from '../sigstore/verify-blob.js';
import { loadTrustedRoot } from '../sigstore/trusted-root.js';
import { predicateTypeFor } from './payload.js';
import { verifyImage } from './verify-image.js';
import { lazyModule } from '../../util/lazy-module.js';
import { PARSE_ONCE } from '../../util/parse-once.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_KEY_BYTES = 64 * 1024;
const glob = z.string().min(1).max(512);

const signerSchema = z.union([
  z.object({ key: z.string().min(1).max(4096), tlog: z.enum(['required', 'if-present']).optional() }).strict(),
  z
    .object({
      identity: z.string().max(1024).optional(),
      identityRegexp: z.string().max(1024).optional(),
      issuer: z.string().max(1024).optional(),
      issuerRegexp: z.string().max(1024).optional(),
    })
    .strict()
    .refine((s) => (s.identity ?? s.identityRegexp) !== undefined && (s.issuer ?? s.issuerRegexp) !== undefined, 'an identity signer needs identity (or identityRegexp) and issuer (or issuerRegexp)'),
]);

export const trustPolicySchema = z
  .object({
    allowedRepositories: z.array(glob).max(1000).optional(),
    trustedRoot: z.string().max(4096).optional(),
    rules: z
      .array(
        z
          .object({
            repositories: z.array(glob).min(1).max(1000),
            signers: z.array(signerSchema).max(100).optional(),
            attestations: z.array(z.string().min(1).max(1024)).max(100).optional(),
          })
          .strict(),
      )
      .max(1000)
      .optional(),
  })
  .strict();

export type TrustPolicyInput = z.input<typeof trustPolicySchema>;

export type TrustSigner =
  | { readonly kind: 'key'; readonly key: Buffer; readonly source: string; readonly tlog: 'required' | 'if-present' }
  | {
      readonly kind: 'identity';
      readonly policy: CertificateIdentityPolicy;
      readonly source: string;
    };

export interface TrustPolicy {
  readonly allowedRepositories: readonly string[] | null;
  readonly trustedRoot: object;
  readonly rules: readonly { readonly repositories: readonly string[]; readonly signers: readonly TrustSigner[]; readonly attestations: readonly string[] }[];
}

export const EMPTY_TRUSTED_ROOT: object = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

/** Compiles a glob over `registry/repository` to an anchored regexp (no backtracking hazards: classes only). */
export function compileGlob(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function policyInput(message: string, cause?: unknown): never {
  throw new SekishoError('VERIFY_INPUT', `trust policy: ${message}`, { cause });
}

async function readSmall(file: string, limit: number, what: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > limit) policyInput(`${what} ${file} is not a file of at most ${limit} bytes`);
    return await readFile(file);
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    policyInput(`cannot read ${what} ${file}`, error);
  }
}

/** Parses policy text (YAML or JSON); relative key and trusted-root paths resolve against `baseDir`. */
export async function parseTrustPolicy(text: string, baseDir: string): Promise<TrustPolicy> {
  if (text.length > MAX_POLICY_BYTES) policyInput(`larger than ${MAX_POLICY_BYTES} bytes`);
  let json: unknown;
  try {
    json = yaml().parse(text, { maxAliasCount: 100, prettyErrors: false, logLevel: 'error' });
  } catch (error) {
    policyInput('not valid YAML or JSON', error);
  }
  const parsed = trustPolicySchema.safeParse(json ?? {}, PARSE_ONCE);
  if (!parsed.success) policyInput(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const input = parsed.data;
  const trustedRoot = input.trustedRoot === undefined ? EMPTY_TRUSTED_ROOT : await loadTrustedRoot(resolve(baseDir, input.trustedRoot));
  const rules = [];
  for (const rule of input.rules ?? []) {
    for (const g of rule.repositories) compileGlob(g);
    const signers: TrustSigner[] = [];
    for (const s of rule.signers ?? []) {
      if ('key' in s) {
        signers.push({ kind: 'key', key: await readSmall(resolve(baseDir, s.key), MAX_KEY_BYTES, 'key'), source: s.key, tlog: s.tlog ?? 'required' });
      } else {
        const policy = {
          ...(s.identity === undefined ? {} : { certificateIdentity: s.identity }),
          ...(s.identityRegexp === undefined ? {} : { certificateIdentityRegexp: s.identityRegexp }),
          ...(s.issuer === undefined ? {} : { certificateOidcIssuer: s.issuer }),
          ...(s.issuerRegexp === undefined ? {} : { certificateOidcIssuerRegexp: s.issuerRegexp }),
        } as CertificateIdentityPolicy;
        signers.push({ kind: 'identity', policy, source: `${s.identity ?? s.identityRegexp ?? ''} (${s.issuer ?? s.issuerRegexp ?? ''})` });
      }
    }
    rules.push({ repositories: rule.repositories, signers, attestations: (rule.attestations ?? []).map(predicateTypeFor) });
  }
  return { allowedRepositories: input.allowedRepositories ?? null, trustedRoot, rules };
}

export async function loadTrustPolicy(file: string): Promise<TrustPolicy> {
  const bytes = await readSmall(file, MAX_POLICY_BYTES, 'policy');
  return parseTrustPolicy(bytes.toString('utf8'), dirname(resolve(file)));
}

const FOUND_BY = 'trust-policy';

function finding(image: string, ruleId: string, title: string, severity: SupplyChainFinding['severity'], description: string, evidence: string, fix: string): SupplyChainFinding {
  return {
    id: createHash('sha256').update(`supply-chain\0${ruleId}\0${image}\0${evidence}`).digest('hex').slice(0, 32),
    kind: 'supply-chain',
    ruleId,
    title,
    severity,
    description,
    location: null,
    createdBy: null,
    removedInLayer: null,
    foundBy: FOUND_BY,
    fix,
    references: ['https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md'],
    evidence,
  };
}

function policyOf(signer: TrustSigner): VerifyPolicy {
  return signer.kind === 'key' ? { key: signer.key, tlog: signer.tlog } : signer.policy;
}

export interface ImageTrustOptions {
  readonly registry?: RegistryOptions;
  readonly now?: Date;
}

/**
 * Findings for one image reference under the policy: SC-TRUST-001 repository not allowed,
 * SC-TRUST-002 no signature by a required signer, SC-TRUST-003 a required attestation missing.
 * A repository outside the allowed list is not contacted.
 */
export async function verifyImageTrust(reference: string, policy: TrustPolicy, options: ImageTrustOptions = {}): Promise<SupplyChainFinding[]> {
  const ref = parseImageReference(reference.replace(/^(?:docker|registry):\/\//, ''));
  const name = `${ref.registry}/${ref.repository}`;
  if (policy.allowedRepositories !== null && !policy.allowedRepositories.some((g) => compileGlob(g).test(name))) {
    return [
      finding(
        name,
        'SC-TRUST-001',
        'Image from a registry or repository the trust policy does not allow',
        'high',
        `${name} matches none of the allowed repositories (${policy.allowedRepositories.join(', ')}).`,
        name,
        'Use an image from an allowed registry or repository, or extend allowedRepositories.',
      ),
    ];
  }
  const findings: SupplyChainFinding[] = [];
  for (const rule of policy.rules.filter((r) => r.repositories.some((g) => compileGlob(g).test(name)))) {
    const common = { trustedRoot: policy.trustedRoot, ...(options.registry === undefined ? {} : { registry: options.registry }), ...(options.now === undefined ? {} : { now: options.now }) };
    if (rule.signers.length > 0) {
      let verified = false;
      const reasons: string[] = [];
      for (const signer of rule.signers) {
        const result = await verifyImage(reference, { ...common, policy: policyOf(signer) });
        if (result.verified.length > 0) {
          verified = true;
          break;
        }
        reasons.push(`${signer.source}: ${result.checks.length === 0 ? 'no signatures found' : result.checks.map((c) => c.error?.message ?? '').join('; ')}`);
      }
      if (!verified) {
        findings.push(
          finding(
            name,
            'SC-TRUST-002',
            'Image not signed by a required signer',
            'high',
            `No signature on ${reference} verifies for any required signer (${rule.signers.map((s) => s.source).join(', ')}).`,
            reasons.join('\n').slice(0, 4000),
            'Sign the image with a required key or identity (sekisho sign / cosign sign), or pin a signed digest.',
          ),
        );
      }
    }
    for (const predicateType of rule.attestations) {
      let found = false;
      const signers = rule.signers.length > 0 ? rule.signers : [];
      for (const signer of signers) {
        const result = await verifyImage(reference, { ...common, policy: policyOf(signer), mode: { kind: 'attestation', predicateType } });
        if (result.verified.length > 0) {
          found = true;
          break;
        }
      }
      if (!found) {
        findings.push(
          finding(
            name,
            'SC-TRUST-003',
            'Required attestation missing',
            'medium',
            signers.length === 0
              ? `The policy requires a ${predicateType} attestation for ${name} but names no signer to verify it with.`
              : `No ${predicateType} attestation on ${reference} verifies for a required signer.`,
            predicateType,
            'Attach the attestation (sekisho attest / cosign attest --type …) signed by a required signer.',
          ),
        );
      }
    }
  }
  return findings;
}
