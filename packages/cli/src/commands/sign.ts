import { Command } from 'commander';
import { SekishoError, signImage } from '@sekisho/core';
import type { SignImageResult, StorageForm } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { processIo } from '../io.js';
import { addRegistryOptions, readStdin, registryOptionsFrom } from './registry.js';
import type { RegistryFlags } from './registry.js';
import { readKeyFile } from './verify.js';

export interface SignFlags extends RegistryFlags {
  readonly key: string;
  readonly form?: string;
}

export function formsFrom(text: string | undefined, fallback: readonly StorageForm[]): readonly StorageForm[] {
  if (text === undefined) return fallback;
  const map: Readonly<Record<string, readonly StorageForm[]>> = { both: ['legacy-tag', 'bundle-referrer'], legacy: ['legacy-tag'], bundle: ['bundle-referrer'] };
  const forms = map[text];
  if (forms === undefined) throw new SekishoError('USAGE_INVALID', '--form must be both, legacy or bundle');
  return forms;
}

export function printStored(io: CliIo, what: string, result: SignImageResult): void {
  for (const s of result.stored) io.stdout(`${what} ${result.image}: ${s.form} ${s.location}\n`);
}

/**
 * `sekisho sign --key cosign.key REF`: key-based, cosign-compatible signature of the manifest the
 * reference resolves to, stored as a `sha256-<hex>.sig` tag and as a sigstore bundle referrer.
 * Keys: unencrypted PEM (PKCS#8, SEC 1, PKCS#1); cosign's encrypted key format is not read.
 */
export function signCommand(io: CliIo = processIo, input: () => Promise<string> = readStdin): Command {
  return addRegistryOptions(
    new Command('sign')
      .description('sign an image in a registry with a key (cosign-compatible; no Fulcio/Rekor)')
      .argument('<image>', 'image reference (tag or digest)')
      .requiredOption('--key <file>', 'unencrypted PEM private key (ECDSA P-256/P-384/P-521, Ed25519, RSA)')
      .option('--form <form>', 'storage: both (default), legacy (.sig tag) or bundle (OCI 1.1 referrer)'),
  ).action(async (reference: string, flags: SignFlags) => {
    const forms = formsFrom(flags.form, ['legacy-tag', 'bundle-referrer']);
    const key = await readKeyFile(flags.key);
    const registry = await registryOptionsFrom(flags, input);
    printStored(io, 'Signed', await signImage(reference, { key, registry, forms }));
  });
}
