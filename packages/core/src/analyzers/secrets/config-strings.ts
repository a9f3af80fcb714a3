import type { SecretAnalyzerFinding, SecretsOptions } from './types.js';
import { buildFindings, compileRules, resolveCandidates, scanBytes, type CompiledRules, type Located } from './engine.js';

/** One string of the image configuration. */
export interface ConfigString {
  readonly where: 'env' | 'label' | 'history';
  /** env: the variable name; label: the label key; history: unused (may be ''). */
  readonly key: string;
  /** env: the value; label: the value; history: the `created_by` command. */
  readonly value: string;
  /** Position in `Env` or `history`, used in the reported path (`config:Env[3]`, `config:history[5].created_by`). */
  readonly index?: number;
  /** The reported path, when the string comes from elsewhere (a function's configuration file and field). */
  readonly path?: string;
}

/** Characters of one config string that are scanned. */
export const MAX_CONFIG_STRING = 64 * 1024;

function pathOf(item: ConfigString): string {
  if (item.path !== undefined) return item.path;
  switch (item.where) {
    case 'env':
      return `config:Env[${item.index ?? item.key}]`;
    case 'label':
      return `config:Labels[${JSON.stringify(item.key)}]`;
    case 'history':
      return `config:history[${item.index ?? item.key}].created_by`;
  }
}

function textOf(item: ConfigString): string {
  const text = item.where === 'history' ? item.value : `${item.key}=${item.value}`;
  return text.length > MAX_CONFIG_STRING ? text.slice(0, MAX_CONFIG_STRING) : text;
}

const compiledCache = new WeakMap<SecretsOptions, CompiledRules>();

/**
 * Scan image config strings (Env, Labels, history `created_by`, where build args leak) with the
 * same rules as files. An AWS key id and its secret in two Env entries are paired.
 */
export function scanConfigStrings(items: readonly ConfigString[], options: SecretsOptions = {}): SecretAnalyzerFinding[] {
  let rules = compiledCache.get(options);
  if (rules === undefined) {
    rules = compileRules(options);
    compiledCache.set(options, rules);
  }
  const located: Located[] = [];
  for (const item of items) {
    const path = pathOf(item);
    const bytes = Buffer.from(textOf(item), 'utf8');
    for (const candidate of resolveCandidates(scanBytes(rules, { bytes, path, binary: false, lines: false }))) {
      located.push({ candidate, path });
    }
  }
  return buildFindings(rules, located).findings;
}
