// Conformance against Falco's own k8s-audit cases (../shared/conformance/falco/index.json: the
// expectations of falcosecurity/falco test/falco_k8s_audit_tests.yaml, also kept in
// falcosecurity/testing) and the four upstream rules files. Skips when the folder is absent.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@sekisho/testkit';
import { describe, expect, it } from 'vitest';
import { AuditInputError, formatIssue, loadRules, parseAuditLog } from './engine.js';
import { replay } from './detector.js';
import { PRIORITIES, parsePriority, type RuleFile } from './loader.js';

const root = sharedDir('conformance', 'falco');

interface Case {
  readonly name: string;
  readonly input: string;
  readonly rules_files: readonly string[];
  readonly expect_detection: boolean;
  readonly min_priority?: string;
  readonly detect_counts?: Record<string, number>;
  readonly detect_counts_current_rule_names?: Record<string, number>;
  readonly stderr_contains?: string;
}

const ALL_RULES_FILES = [
  'falcosecurity-rules/rules/falco_rules.yaml',
  'falcosecurity-rules/rules/falco-incubating_rules.yaml',
  'falcosecurity-rules/rules/falco-sandbox_rules.yaml',
  'falcosecurity-plugins/plugins/k8saudit/rules/k8s_audit_rules.yaml',
];

function readRules(dir: string, files: readonly string[]): RuleFile[] {
  return files.map((f) => ({ name: f, content: readFileSync(join(dir, f), 'utf8') }));
}

/**
 * Cases whose rules files do not load with the current upstream copies, and why. Falco refuses to
 * start on them (exit 1), and so does Sekisho: no event is evaluated, so no alert fires. The
 * cases only expect no detection, which holds; each such case must fail to load for exactly
 * this reason, so a change in the engine or the data shows up.
 */
const TRUST_NGINX_REASON =
  'trust_nginx_container.yaml appends to falco_sensitive_mount_images and falco_hostnetwork_images, which k8s_audit_rules.yaml renamed to k8s_audit_* after k8saudit-rules 0.6.0; Falco rejects the load too (ERROR_NO_PREVIOUS_LIST)';
const REFUSED_LOADS: Record<string, { readonly reason: string; readonly error: RegExp }> = Object.fromEntries(
  ['create_privileged_trusted_pod', 'create_sensitive_mount_trusted_pod', 'create_unsensitive_mount_trusted_pod', 'create_nohostnetwork_trusted_pod'].map((name) => [
    name,
    { reason: TRUST_NGINX_REASON, error: /trust_nginx_container\.yaml:1:3: error: list 'falco_sensitive_mount_images': List uses 'append'.*\[APPEND_WITHOUT_TARGET\]/ },
  ]),
);

interface Outcome {
  /** Why the case's expectations are not met; undefined when they are. */
  readonly failure?: string;
  /** The load errors, when the rules did not load (and nothing was evaluated). */
  readonly loadErrors?: string;
}

/** Runs one case as the CLI does: rules that do not load evaluate nothing. */
function runCase(dir: string, c: Case): Outcome {
  const ruleSet = loadRules(readRules(dir, c.rules_files));
  const errors = ruleSet.issues.filter((i) => i.level === 'error');
  if (errors.length > 0) {
    const loadErrors = errors.map(formatIssue).join('; ');
    // No alert fires: enough for a case that expects none, a failure for every other.
    return c.expect_detection || c.stderr_contains !== undefined ? { failure: `rules did not load: ${loadErrors}`, loadErrors } : { loadErrors };
  }
  const text = readFileSync(join(dir, c.input), 'utf8');
  let events: Record<string, unknown>[];
  try {
    events = parseAuditLog(text);
  } catch (e) {
    if (!(e instanceof AuditInputError)) throw e;
    if (c.stderr_contains !== undefined && e.message.includes(c.stderr_contains)) return {};
    return { failure: `input rejected: ${e.message}` };
  }
  if (c.stderr_contains !== undefined) return { failure: `input accepted, expected an error containing '${c.stderr_contains}'` };
  const { alerts } = replay(events, ruleSet, { hostname: 'conformance' });
  if (c.expect_detection && alerts.length === 0) return { failure: 'expected an alert, none fired' };
  if (!c.expect_detection && alerts.length > 0) return { failure: `expected no alert, got ${alerts.map((a) => a.rule).join(', ')}` };
  if (c.expect_detection && c.min_priority !== undefined) {
    const min = parsePriority(c.min_priority);
    if (min === undefined) return { failure: `unknown priority ${c.min_priority}` };
    if (!alerts.some((a) => PRIORITIES.indexOf(a.priority) <= PRIORITIES.indexOf(min))) return { failure: `no alert at ${c.min_priority} or above` };
  }
  const defined = new Set(ruleSet.rules.map((r) => r.name));
  const counts = c.detect_counts !== undefined && Object.keys(c.detect_counts).every((r) => defined.has(r)) ? c.detect_counts : (c.detect_counts_current_rule_names ?? c.detect_counts);
  for (const [rule, expected] of Object.entries(counts ?? {})) {
    const got = alerts.filter((a) => a.rule === rule).length;
    if (got !== expected) return { failure: `rule '${rule}': ${got} alerts, expected ${expected}` };
  }
  return {};
}

describe.skipIf(root === null)('Falco conformance', () => {
  const dir = root ?? '';

  it('loads falco_rules, incubating, sandbox and k8s_audit rules without error', () => {
    const ruleSet = loadRules(readRules(dir, ALL_RULES_FILES));
    const errors = ruleSet.issues.filter((i) => i.level === 'error');
    expect(errors.map(formatIssue)).toEqual([]);
    const k8s = ruleSet.rules.filter((r) => r.source === 'k8s_audit');
    expect(k8s.length).toBeGreaterThan(30);
    // Every k8s_audit rule compiles: none is skipped for an unsupported field.
    expect(ruleSet.issues.filter((i) => i.code === 'UNSUPPORTED_FIELD').map(formatIssue)).toEqual([]);
  });

  it('meets every k8s-audit case whose files are present', () => {
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { cases: Case[] };
    const failures: string[] = [];
    const refused: string[] = [];
    let met = 0;
    let run = 0;
    for (const c of index.cases) {
      let present = true;
      try {
        readFileSync(join(dir, c.input));
        for (const f of c.rules_files) readFileSync(join(dir, f));
      } catch {
        present = false;
      }
      if (!present) continue;
      run++;
      const outcome = runCase(dir, c);
      const known = REFUSED_LOADS[c.name];
      if (outcome.failure !== undefined) failures.push(`${c.name}: ${outcome.failure}`);
      else met++;
      if (outcome.loadErrors !== undefined) {
        if (known !== undefined && known.error.test(outcome.loadErrors)) refused.push(`${c.name}: ${known.reason}`);
        else failures.push(`${c.name}: rules did not load: ${outcome.loadErrors}`);
      } else if (known !== undefined) failures.push(`${c.name}: listed as refused at load, but the rules loaded`);
    }
    process.stdout.write(
      `Falco k8s-audit conformance: ${met}/${run} cases met (${index.cases.length} in index.json); ${refused.length} of them with rules that do not load, as in Falco\n${refused.map((k) => `  refused at load: ${k}\n`).join('')}`,
    );
    expect(failures).toEqual([]);
    expect(refused).toHaveLength(Object.keys(REFUSED_LOADS).length);
  });
});
