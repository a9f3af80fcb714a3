import { readFile, stat } from 'node:fs/promises';
import { Command } from 'commander';
import { SekishoError, attestImage, predicateTypeFor } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { processIo } from '../io.js';
import { addRegistryOptions, readStdin, registryOptionsFrom } from './registry.js';
import type { RegistryFlags } from './registry.js';
import { formsFrom, printStored } from './sign.js';
import { readKeyFile } from './verify.js';

interface AttestFlags extends RegistryFlags {
  readonly key: string;
  readonly predicate: string;
  readonly type: string;
  readonly form?: string;
}

const MAX_PREDICATE_BYTES = 32 * 1024 * 1024;

async function readPredicate(file: string): Promise<unknown> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_PREDICATE_BYTES) throw new SekishoError('USAGE_INVALID', `predicate ${file} is not a file of at most ${MAX_PREDICATE_BYTES} bytes`, { where: { file } });
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof SekishoError) throw error;
    throw new SekishoError('USAGE_INVALID', `cannot read predicate ${file}`, { where: { file }, cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new SekishoError('USAGE_INVALID', `predicate ${file} is not JSON`, { where: { file }, cause: error });
  }
}

/**
 * `sekisho attest --key cosign.key --predicate FILE --type cyclonedx|spdx|slsaprovenance|URI REF`:
 * an in-toto statement about the image digest in a key-signed DSSE envelope, attached as a sigstore
 * bundle referrer (and with --form both/legacy as a layer of the `sha256-<hex>.att` tag).
 */
export function attestCommand(io: CliIo = processIo, input: () => Promise<string> = readStdin): Command {
  return addRegistryOptions(
    new Command('attest')
      .description('attach a signed in-toto attestation to an image in a registry (key-based)')
      .argument('<image>', 'image reference (tag or digest)')
      .requiredOption('--key <file>', 'unencrypted PEM private key (ECDSA P-256/P-384/P-521, Ed25519, RSA)')
      .requiredOption('--predicate <file>', 'the predicate, JSON (e.g. a CycloneDX SBOM)')
      .option('--type <type>', 'cyclonedx, spdx, spdxjson, slsaprovenance, slsaprovenance1, link, vuln, openvex, custom, or a URI', 'custom')
      .option('--form <form>', 'storage: bundle (default, OCI 1.1 referrer), legacy (.att tag) or both'),
  ).action(async (reference: string, flags: AttestFlags) => {
    const predicateType = predicateTypeFor(flags.type);
    const forms = formsFrom(flags.form, ['bundle-referrer']);
    const [key, predicate] = await Promise.all([readKeyFile(flags.key), readPredicate(flags.predicate)]);
    const registry = await registryOptionsFrom(flags, input);
    printStored(io, 'Attested', await attestImage(reference, { key, registry, forms, predicateType, predicate }));
  });
}
