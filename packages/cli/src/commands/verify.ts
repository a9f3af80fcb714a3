import { readFile, stat } from 'node:fs/promises';
import { Command } from 'commander';
import { EMPTY_TRUSTED_ROOT, SekishoError, loadTrustedRoot, requireVerified, verifyImage } from '@sekisho/core';
import type { SignatureCheck, VerifyImageMode, VerifyImageResult, VerifyPolicy } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { processIo } from '../io.js';
import { addRegistryOptions, readStdin, registryOptionsFrom } from './registry.js';
import { signerPolicy } from './verify-policy.js';
import type { RegistryFlags } from './registry.js';

export interface VerifyFlags extends RegistryFlags {
  readonly key?: string;
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  readonly certificateOidcIssuer?: string;
  readonly certificateOidcIssuerRegexp?: string;
  readonly trustedRoot?: string;
  readonly insecureIgnoreTlog?: boolean;
  readonly format: 'text' | 'json';
}

const MAX_KEY_BYTES = 64 * 1024;

function usage(message: string): never {
  throw new SekishoError('USAGE_INVALID', message);
}

/** A small local file (a key), bounded; a missing or unreadable key is a usage error (exit 2), not a failed verification. */
export async function readKeyFile(file: string): Promise<Buffer> {
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_KEY_BYTES) throw new SekishoError('USAGE_INVALID', `key ${file} is not a file of at most ${MAX_KEY_BYTES} bytes`, { where: { file } });
    return await readFile(file);
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('USAGE_INVALID', `cannot read key ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { where: { file }, cause: error });
  }
}

/** --key, or the certificate identity flags; the same rules as `verify-blob`. */
export async function verifyPolicyFrom(flags: VerifyFlags): Promise<{ policy: VerifyPolicy; trustedRoot: object }> {
  const trustedRoot = flags.trustedRoot === undefined ? null : await loadTrustedRoot(flags.trustedRoot);
  const policy = signerPolicy(flags, flags.key === undefined ? undefined : await readKeyFile(flags.key));
  if ('key' in policy) return { policy, trustedRoot: trustedRoot ?? EMPTY_TRUSTED_ROOT };
  if (trustedRoot === null) usage('give --trusted-root FILE: fetching the public-good trusted root over TUF is not available yet');
  return { policy, trustedRoot };
}

export function addVerifyOptions(command: Command): Command {
  return addRegistryOptions(
    command
      .option('--key <file>', 'PEM public key of the signer (ECDSA P-256/P-384/P-521, Ed25519, RSA)')
      .option('--certificate-identity <identity>', 'expected certificate Subject Alternative Name (exact)')
      .option('--certificate-identity-regexp <regexp>', 'expected Subject Alternative Name, as a regular expression')
      .option('--certificate-oidc-issuer <issuer>', 'expected OIDC issuer in the certificate (exact)')
      .option('--certificate-oidc-issuer-regexp <regexp>', 'expected OIDC issuer, as a regular expression')
      .option('--trusted-root <file>', 'Sigstore TrustedRoot JSON (offline trust anchors)')
      .option('--insecure-ignore-tlog', 'with --key: accept signatures without a transparency-log entry (as made by sekisho sign)')
      .option('--format <format>', 'text or json', 'text'),
  );
}

function signerText(check: SignatureCheck): string {
  const signer = check.signer;
  if (signer === undefined || signer.kind === 'key') return 'key';
  return `${signer.subjectAlternativeNames.join(', ')} (issuer ${signer.oidcIssuer ?? 'unknown'})`;
}

export function printVerifyResult(io: CliIo, result: VerifyImageResult, format: 'text' | 'json'): void {
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ image: result.image, digest: result.digest, checks: result.checks }, null, 2)}\n`);
    return;
  }
  for (const check of result.checks) {
    const what = check.predicateType === undefined ? '' : ` ${check.predicateType}`;
    if (check.ok) io.stdout(`Verified OK: ${result.image} ${check.form} ${check.source}${what} signer: ${signerText(check)}\n`);
    else io.stderr(`not verified: ${check.form} ${check.source}: ${check.error?.message ?? ''}\n`);
  }
}

export async function runVerify(io: CliIo, reference: string, flags: VerifyFlags, mode: VerifyImageMode, input: () => Promise<string>): Promise<void> {
  if (flags.format !== 'text' && flags.format !== 'json') usage('--format must be text or json');
  const { policy, trustedRoot } = await verifyPolicyFrom(flags);
  const registry = await registryOptionsFrom(flags, input);
  const result = await verifyImage(reference, { policy, trustedRoot, registry, mode });
  printVerifyResult(io, result, flags.format);
  requireVerified(result, mode.kind === 'signature' ? 'signatures' : 'attestations');
}

/**
 * `sekisho verify REF (--key PUB | --certificate-identity ID --certificate-oidc-issuer ISS --trusted-root FILE)`:
 * exit 0 only when a signature for this digest verifies, in either storage form (legacy `.sig`
 * tag, sigstore bundle referrer); otherwise VERIFY_FAILED (exit 10).
 */
export function verifyCommand(io: CliIo = processIo, input: () => Promise<string> = readStdin): Command {
  return addVerifyOptions(new Command('verify').description('verify cosign signatures of an image in a registry').argument('<image>', 'image reference (tag or digest)')).action(
    async (reference: string, flags: VerifyFlags) => runVerify(io, reference, flags, { kind: 'signature' }, input),
  );
}
