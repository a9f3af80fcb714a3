import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Command } from 'commander';
import { SekishoError, loadTrustedRoot, verifyBlob, type ArtifactInput } from '@sekisho/core';
import { signerPolicy } from './verify-policy.js';

interface VerifyBlobFlags {
  readonly bundle: string;
  readonly key?: string;
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  readonly certificateOidcIssuer?: string;
  readonly certificateOidcIssuerRegexp?: string;
  readonly trustedRoot?: string;
  readonly insecureIgnoreTlog?: boolean;
}

export interface VerifyBlobIo {
  readonly stdout: (text: string) => void;
}

const MAX_KEY_BYTES = 64 * 1024;
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
// Larger artifacts are hashed as a stream and verified by digest rather than held in memory.
const MAX_IN_MEMORY_ARTIFACT = 256 * 1024 * 1024;
const DIGEST_ARGUMENT = /^sha(256|384|512):[0-9a-fA-F]+$/;

function usage(message: string): never {
  throw new SekishoError('USAGE_INVALID', message);
}

async function readBounded(file: string, limit: number, what: string): Promise<Buffer> {
  // A key the user names is an input of the command line: missing or unreadable, a usage error (2).
  const code = what === 'key' ? 'USAGE_INVALID' : 'VERIFY_INPUT';
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new SekishoError(code, `${what} ${file} is not a file`, { where: { file } });
    size = info.size;
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError(code, `cannot read ${what} ${file}`, { where: { file }, cause: error });
  }
  if (size > limit) throw new SekishoError(code, `${what} ${file} is larger than ${limit} bytes`, { where: { file } });
  return readFile(file);
}

async function readArtifact(argument: string): Promise<ArtifactInput> {
  if (DIGEST_ARGUMENT.test(argument)) return { digest: argument };
  let size: number;
  try {
    const info = await stat(argument);
    if (!info.isFile()) throw new SekishoError('VERIFY_INPUT', `artifact ${argument} is not a file`, { where: { file: argument } });
    size = info.size;
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('VERIFY_INPUT', `cannot read artifact ${argument}`, { where: { file: argument }, cause: error });
  }
  if (size <= MAX_IN_MEMORY_ARTIFACT) return { bytes: await readFile(argument) };
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(argument, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return { digest: `sha256:${hash.digest('hex')}` };
}

/**
 * `sekisho verify-blob --bundle FILE (--key PUB | --certificate-identity ID --certificate-oidc-issuer ISS)
 * [--trusted-root FILE] ARTIFACT` — cosign verify-blob's contract: prints "Verified OK" and returns only
 * when the bundle verifies; otherwise the SekishoError (VERIFY_*) propagates to the exit-code mapping.
 */
export function verifyBlobCommand(io: VerifyBlobIo = { stdout: (text) => process.stdout.write(text) }): Command {
  return new Command('verify-blob')
    .description('verify a sigstore bundle over a file or a digest, as cosign verify-blob does')
    .argument('<artifact>', 'the signed file, or its digest as sha256:<hex>')
    .requiredOption('--bundle <file>', 'sigstore bundle (JSON, media types v0.1 to v0.3)')
    .option('--key <file>', 'PEM public key of the signer (ECDSA P-256/P-384/P-521, Ed25519, RSA)')
    .option('--certificate-identity <identity>', 'expected certificate Subject Alternative Name (exact)')
    .option('--certificate-identity-regexp <regexp>', 'expected Subject Alternative Name, as a regular expression')
    .option('--certificate-oidc-issuer <issuer>', 'expected OIDC issuer in the certificate (exact)')
    .option('--certificate-oidc-issuer-regexp <regexp>', 'expected OIDC issuer, as a regular expression')
    .option('--trusted-root <file>', 'Sigstore TrustedRoot JSON (offline trust anchors)')
    .option('--insecure-ignore-tlog', 'with --key: accept a bundle without a transparency-log entry')
    .action(async (artifact: string, flags: VerifyBlobFlags) => {
      const key = flags.key === undefined ? undefined : await readBounded(flags.key, MAX_KEY_BYTES, 'key');
      const policy = signerPolicy(flags, key);
      if (flags.trustedRoot === undefined) {
        usage('give --trusted-root FILE: fetching the public-good trusted root over TUF is not available yet');
      }
      const [trustedRoot, bundle, artifactInput] = await Promise.all([loadTrustedRoot(flags.trustedRoot), readBounded(flags.bundle, MAX_BUNDLE_BYTES, 'bundle'), readArtifact(artifact)]);
      try {
        await verifyBlob({ bundle, artifact: artifactInput, policy, trustedRoot });
      } catch (error) {
        if (error instanceof SekishoError) throw error.withWhere({ file: flags.bundle });
        throw error;
      }
      io.stdout('Verified OK\n');
    });
}
