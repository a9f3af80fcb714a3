import { SekishoError } from '../errors.js';
import type { PolicyDocument, PolicyRuleEntry } from './schema.js';
import type { ImageName, PolicySubject } from './subject.js';
import { globsMatch, namesMatch, normaliseImageName } from './subject.js';
import { ruleKind } from './rules/registry.js';
import type { AnyRuleKind } from './rules/types.js';
import type { PolicyAction } from '@sekisho/model';
import { compareText } from '@sekisho/model';
import { PARSE_ONCE } from '../util/parse-once.js';

/** A rule of an environment once inheritance is applied and its fields validated against its kind. */
export interface ResolvedRule {
  readonly id: string;
  readonly kind: AnyRuleKind;
  readonly action: PolicyAction;
  readonly weight: number;
  readonly params: unknown;
  readonly description: string | null;
}

export interface ResolvedEnvironment {
  readonly name: string;
  /** The chain it inherits from, itself last. */
  readonly lineage: readonly string[];
  readonly allowIncomplete: boolean;
  readonly rules: readonly ResolvedRule[];
}

const COMMON_FIELDS = new Set(['kind', 'action', 'weight', 'enabled', 'description']);

function policyError(message: string, path: string): SekishoError {
  return new SekishoError('CONFIG_INVALID', `policy: ${path}: ${message}`);
}

/**
 * The rules of one environment: the policy's base rules, then each ancestor's overrides from the
 * root of its `extends` chain down to the environment itself. An override merges field by field;
 * `enabled: false` removes the rule. Every merged rule is validated against its kind.
 */
export function resolveEnvironment(policy: PolicyDocument, name: string): ResolvedEnvironment {
  if (policy.environments[name] === undefined) throw policyError(`unknown environment "${name}" (defined: ${Object.keys(policy.environments).join(', ')})`, 'environments');
  const lineage: string[] = [];
  for (let current: string | undefined = name; current !== undefined; current = policy.environments[current]?.extends) {
    if (lineage.includes(current)) throw policyError(`extends forms a cycle: ${[...lineage, current].reverse().join(' → ')}`, `environments.${name}`);
    if (policy.environments[current] === undefined) throw policyError(`extends unknown environment "${current}"`, `environments.${lineage[lineage.length - 1] ?? name}.extends`);
    lineage.push(current);
  }
  lineage.reverse();

  const merged = new Map<string, { entry: PolicyRuleEntry; from: string }>();
  const layers: [string, Record<string, PolicyRuleEntry> | undefined][] = [
    ['rules', policy.rules],
    ...lineage.map((env): [string, Record<string, PolicyRuleEntry> | undefined] => [`environments.${env}.rules`, policy.environments[env]?.rules]),
  ];
  for (const [where, rules] of layers) {
    for (const [id, entry] of Object.entries(rules ?? {})) {
      const before = merged.get(id);
      merged.set(id, { entry: before === undefined ? entry : { ...before.entry, ...entry }, from: `${where}.${id}` });
    }
  }

  let allowIncomplete = false;
  for (const env of lineage) allowIncomplete = policy.environments[env]?.allowIncomplete ?? allowIncomplete;

  const rules: ResolvedRule[] = [];
  for (const [id, { entry, from }] of [...merged].sort(([a], [b]) => compareText(a, b))) {
    if (entry.enabled === false) continue;
    if (entry.kind === undefined) throw policyError('a rule needs a kind (in the base rules or the environment that first names it)', from);
    const kind = ruleKind(entry.kind);
    if (kind === undefined) throw policyError(`unknown rule kind "${entry.kind}"`, `${from}.kind`);
    const own = Object.fromEntries(Object.entries(entry).filter(([key]) => !COMMON_FIELDS.has(key)));
    const parsed = kind.params.safeParse(own, PARSE_ONCE);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw policyError(issue?.message ?? 'invalid', `${from}${issue !== undefined && issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}`);
    }
    rules.push({ id, kind, action: entry.action ?? 'fail', weight: entry.weight ?? kind.defaultWeight, params: parsed.data, description: entry.description ?? null });
  }
  if (!allowIncomplete && !rules.some((r) => r.kind.kind === 'complete-scan')) {
    const kind = ruleKind('complete-scan');
    if (kind !== undefined) rules.push({ id: 'complete-scan', kind, action: 'fail', weight: kind.defaultWeight, params: {}, description: null });
  }
  return { name, lineage, allowIncomplete, rules };
}

/**
 * The environment a subject belongs to: the first mapping that matches (images by name; a
 * namespace by name or labels; every field a mapping gives must match), else `defaultEnvironment`.
 */
export function environmentFor(policy: PolicyDocument, subject: PolicySubject): string {
  const names: ImageName[] = (subject.images ?? []).map(normaliseImageName).filter((n): n is ImageName => n !== null);
  for (const mapping of policy.mappings ?? []) {
    if (mapping.images !== undefined && !namesMatch(names, mapping.images)) continue;
    if (mapping.namespaces !== undefined && (subject.namespace === undefined || !globsMatch(subject.namespace, mapping.namespaces))) continue;
    if (mapping.namespaceLabels !== undefined) {
      const labels = subject.namespaceLabels ?? {};
      if (!Object.entries(mapping.namespaceLabels).every(([k, v]) => labels[k] !== undefined && globsMatch(labels[k], [v]))) continue;
    }
    return mapping.environment;
  }
  if (policy.defaultEnvironment !== undefined) return policy.defaultEnvironment;
  const what = [...(subject.images ?? []), ...(subject.namespace === undefined ? [] : [`namespace ${subject.namespace}`])].join(', ') || 'the subject';
  throw policyError(`no mapping matches ${what} and there is no defaultEnvironment; name one with --env`, 'mappings');
}
