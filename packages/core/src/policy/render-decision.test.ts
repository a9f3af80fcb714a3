import type { PolicyDecision, Report, VulnerabilityFinding } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../findings/redaction.js';
import { distro, pkg, report as inventory } from '../matchers/__fixtures__/inventory.js';
import { toJunit } from '../reporters/junit/index.js';
import { getReporter } from '../reporters/registry.js';
import { evaluatePolicy } from './evaluate.js';
import { parsePolicy } from './load-policy.js';
import { renderDecision } from './render-decision.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const PAT = `ghp_R8kT2vN5qW7zX1cY4bH6jM9pL3sD0fG2aE5u`;

const vuln: VulnerabilityFinding = {
  kind: 'vulnerability',
  id: 'f-cve',
  ruleId: 'CVE-2026-0001',
  title: 'CVE-2026-0001',
  severity: 'critical',
  description: 'd',
  location: null,
  createdBy: null,
  removedInLayer: null,
  foundBy: 'test',
  fix: 'Upgrade openssl to 3.0.2',
  references: [],
  vulnerabilityId: 'CVE-2026-0001',
  aliases: [],
  packageId: 'deb:openssl@3.0.1',
  packageName: 'openssl',
  installedVersion: '3.0.1',
  fixedVersions: ['3.0.2'],
  status: 'fixed',
  packageType: 'deb',
  purl: 'pkg:deb/debian/openssl@3.0.1',
};

const POLICY = parsePolicy(
  `
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  no-critical: { kind: vulnerabilities, severity: critical }
  secrets: { kind: secrets, action: warn }
environments:
  prod: {}
`,
  'test.yaml',
);

function withDecision(): { report: Report; decision: PolicyDecision } {
  const report: Report = { ...inventory([pkg('deb', 'openssl', '3.0.1')], distro('debian', '12')), findings: [vuln], scanners: ['vuln'] };
  const decision = evaluatePolicy(report, POLICY, 'prod', { now: NOW });
  return { report: { ...report, policy: decision }, decision };
}

describe('the policy decision in every format', () => {
  const { report, decision } = withDecision();

  it('is fail: the critical vulnerability breaks no-critical, the secrets rule is not judged (no secret scanner)', () => {
    expect(decision.result).toBe('fail');
    expect(decision.rules.map((r) => [r.id, r.status, r.outcome])).toEqual([
      ['no-critical', 'violated', 'fail'],
      ['secrets', 'not-evaluated', 'warn'],
      ['complete-scan', 'pass', 'pass'],
    ]);
  });

  it('text: result, grade, each rule with evidence and fix', () => {
    const text = renderDecision(decision);
    expect(text).toContain(`Policy acme, environment prod: FAIL — health grade ${decision.grade} (${decision.score}/100)`);
    expect(text).toMatch(/FAIL {2}no-critical \(vulnerabilities\): .+\n {10}- CVE-2026-0001 .+ → .*3\.0\.2/);
    expect(text).toContain('WARN  secrets (secrets, not evaluated): not judged: the secret scanner did not run');
  });

  it('table: a policy section after the findings, the status line still last', () => {
    const table = getReporter('table')!.render(report, { now: NOW, color: false });
    const lines = table.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('Status: complete');
    expect(table).toContain(renderDecision(decision).trimEnd());
  });

  it('JSON: the decision is the report field', () => {
    const json = JSON.parse(getReporter('json')!.render(report, { now: NOW, color: false })) as Report;
    expect(json.policy).toEqual(decision);
  });

  it('SARIF: a result per rule that did not pass, ruleId policy/<id>, and result and grade in the run properties', () => {
    const sarif = JSON.parse(getReporter('sarif')!.render(report, { now: NOW, color: false })) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string }[]; properties: Record<string, unknown> }[];
    };
    const run = sarif.runs[0]!;
    const policyResults = run.results.filter((r) => r.ruleId.startsWith('policy/'));
    expect(policyResults.map((r) => [r.ruleId, r.level])).toEqual([
      ['policy/no-critical', 'error'],
      ['policy/secrets', 'warning'],
    ]);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(run.properties).toMatchObject({ status: 'complete', policy: 'acme', policyEnvironment: 'prod', policyResult: 'fail', policyGrade: decision.grade, policyScore: decision.score });
  });

  it('JUnit: a policy suite, one test case per rule, failed when its outcome is fail', () => {
    const xml = toJunit(report);
    expect(xml).toContain(`<testsuite name="policy" tests="3" failures="1" errors="0" skipped="0">`);
    expect(xml).toContain('<property name="grade" value="' + decision.grade + '"/>');
    expect(xml).toMatch(/<testcase classname="policy.prod" name="no-critical \(vulnerabilities\)">\n {6}<failure message="[^"]+" type="violated">/);
    expect(xml).toContain('<testcase classname="policy.prod" name="secrets (secrets)"/>');
    expect(xml).toContain('<testcase classname="policy.prod" name="complete-scan (complete-scan)"/>');
    // totals count the policy cases: 1 finding + 3 rules, 1 finding failure + 1 rule failure
    expect(xml).toMatch(/<testsuites name="[^"]+" tests="4" failures="2" errors="0">/);
  });

  it('the redactor covers the decision: a secret in evidence text is redacted like any report string', () => {
    const leaky: Report = {
      ...report,
      policy: { ...decision, rules: decision.rules.map((r) => ({ ...r, message: `token ${PAT}`, evidence: r.evidence.map((e) => ({ ...e, text: `echo ${PAT}`, fix: `revoke ${PAT}` })) })) },
    };
    const shown = JSON.stringify(createRedactor().report(leaky).policy);
    expect(shown).not.toContain(PAT);
    expect(shown).toContain('ghp_…(40 chars)');
  });
});
