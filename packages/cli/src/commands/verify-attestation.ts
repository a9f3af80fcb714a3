import { Command } from 'commander';
import { predicateTypeFor } from '@sekisho/core';
import type { CliIo } from '../io.js';
import { processIo } from '../io.js';
import { readStdin } from './registry.js';
import { addVerifyOptions, runVerify } from './verify.js';
import type { VerifyFlags } from './verify.js';

interface VerifyAttestationFlags extends VerifyFlags {
  readonly type?: string;
}

/**
 * `sekisho verify-attestation REF --type cyclonedx|spdx|slsaprovenance|URI (--key … | --certificate-identity …)`:
 * exit 0 only when an attestation of that predicate type about this digest verifies.
 */
export function verifyAttestationCommand(io: CliIo = processIo, input: () => Promise<string> = readStdin): Command {
  return addVerifyOptions(
    new Command('verify-attestation')
      .description('verify in-toto attestations (DSSE) attached to an image in a registry')
      .argument('<image>', 'image reference (tag or digest)')
      .option('--type <type>', 'predicate type: cyclonedx, spdx, spdxjson, slsaprovenance, slsaprovenance1, link, vuln, openvex, custom, or a URI (default: any)'),
  ).action(async (reference: string, flags: VerifyAttestationFlags) =>
    runVerify(io, reference, flags, { kind: 'attestation', ...(flags.type === undefined ? {} : { predicateType: predicateTypeFor(flags.type) }) }, input),
  );
}
