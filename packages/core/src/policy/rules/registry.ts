import { completeScanRule } from './complete-scan.js';
import { hardeningRule, malwareRule, misconfigurationRule, secretsRule, supplyChainRule } from './finding-kinds.js';
import { fixSlaRule } from './fix-sla.js';
import { hostRule } from './host.js';
import { endOfLifeRule, imageAgeRule, labelsRule, registriesRule } from './image-facts.js';
import { licensesRule } from './licenses.js';
import type { AnyRuleKind } from './types.js';
import { kevRule, vulnerabilitiesRule } from './vulnerabilities.js';

/** Every policy rule kind, one line each. */
export const RULE_KINDS: readonly AnyRuleKind[] = [
  vulnerabilitiesRule,
  kevRule,
  fixSlaRule,
  secretsRule,
  malwareRule,
  hardeningRule,
  misconfigurationRule,
  supplyChainRule,
  endOfLifeRule,
  imageAgeRule,
  registriesRule,
  labelsRule,
  licensesRule,
  completeScanRule,
  hostRule,
];

const BY_KIND = new Map(RULE_KINDS.map((k) => [k.kind, k]));

export function ruleKind(kind: string): AnyRuleKind | undefined {
  return BY_KIND.get(kind);
}
