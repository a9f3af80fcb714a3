import { parseImageReference, RegistryClient, verifyImageTrust, type RegistryOptions, type TrustPolicy } from '@sekisho/core';
import type { SupplyChainFinding } from '@sekisho/model';

/** Resolves an image tag to the manifest digest it points at now. Throws on failure. */
export interface TagResolver {
  resolve(reference: string, signal: AbortSignal): Promise<string>;
}

/** Checks an image (by digest) against the trust policy: signatures, attestations, repositories. */
export interface SignatureVerifier {
  verify(reference: string, signal: AbortSignal): Promise<readonly SupplyChainFinding[]>;
}

function clientFor(reference: string, options: RegistryOptions, signal: AbortSignal): { client: RegistryClient; repository: string; selector: string } {
  const ref = parseImageReference(reference);
  // one attempt: a retry would not fit in an admission deadline
  const client = new RegistryClient({ registry: ref.registry, apiHost: ref.apiHost }, { ...options, retries: 1, signal });
  return { client, repository: ref.repository, selector: ref.selector };
}

/** Tag → digest through the registry client (HEAD, then GET when the registry sends no digest header). */
export class RegistryTagResolver implements TagResolver {
  readonly #options: RegistryOptions;

  constructor(options: RegistryOptions = {}) {
    this.#options = options;
  }

  async resolve(reference: string, signal: AbortSignal): Promise<string> {
    const { client, repository, selector } = clientFor(reference, this.#options, signal);
    try {
      const head = await client.headManifest(repository, selector);
      if (head === null) throw new Error(`${reference}: no such manifest`);
      if (head.digest !== null && /^sha256:[0-9a-f]{64}$/.test(head.digest)) return head.digest;
      return (await client.getManifest(repository, selector)).digest;
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

/** `verifyImageTrust` from core: the same check as `sekisho image --trust-policy`. */
export class TrustPolicyVerifier implements SignatureVerifier {
  readonly #policy: TrustPolicy;
  readonly #options: RegistryOptions;

  constructor(policy: TrustPolicy, options: RegistryOptions = {}) {
    this.#policy = policy;
    this.#options = options;
  }

  verify(reference: string, signal: AbortSignal): Promise<readonly SupplyChainFinding[]> {
    return verifyImageTrust(reference, this.#policy, { registry: { ...this.#options, retries: 1, signal } });
  }
}
