import { createHash } from 'node:crypto';
import { VEX_JUSTIFICATIONS } from './exceptions.js';
import type { Suppression } from './policy.js';

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

export interface OpenVexOptions {
  readonly author: string;
  readonly now: Date;
}

/**
 * An OpenVEX v0.2.0 document (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md) from
 * triage decisions: one statement per vulnerability and package, the product being the package
 * purl. `not_affected` statements carry the OpenVEX justification when one was given, and the
 * reason as impact statement (the spec requires one of the two).
 */
export function toOpenVex(decisions: readonly Suppression[], options: OpenVexOptions): Record<string, unknown> {
  const timestamp = options.now.toISOString();
  const seen = new Set<string>();
  const statements: Record<string, unknown>[] = [];
  for (const d of decisions) {
    const f = d.finding;
    if (f.kind !== 'vulnerability') continue;
    const product = f.purl !== undefined && f.purl !== '' ? f.purl : f.packageId;
    const key = `${f.vulnerabilityId}\u0000${product}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const statement: Record<string, unknown> = {
      vulnerability: { name: f.vulnerabilityId, ...(f.aliases.length > 0 ? { aliases: [...f.aliases] } : {}) },
      products: [{ '@id': product }],
      status: d.status,
    };
    if (d.status === 'not_affected') {
      if (d.justification !== null && (VEX_JUSTIFICATIONS as readonly string[]).includes(d.justification)) statement['justification'] = d.justification;
      statement['impact_statement'] = d.detail ?? `accepted by ${d.owner ?? 'unknown owner'}`;
    }
    statements.push(statement);
  }
  statements.sort((a, b) => {
    const ka = JSON.stringify([a['vulnerability'], a['products']]);
    const kb = JSON.stringify([b['vulnerability'], b['products']]);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const digest = createHash('sha256').update(JSON.stringify(statements)).digest('hex');
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': `https://openvex.dev/docs/public/vex-${digest}`,
    author: options.author,
    timestamp,
    version: 1,
    tooling: 'sekisho',
    statements,
  };
}
