import type { Finding, Report, VulnerabilityFinding } from '@sekisho/model';
import { describe, expect, it } from 'vitest';
import { isSekishoError } from '../errors.js';
import { distro, pkg, report as inventory } from '../matchers/__fixtures__/inventory.js';
import { environmentFor, resolveEnvironment } from './environments.js';
import { evaluatePolicy } from './evaluate.js';
import { healthGrade, healthScore } from './grade.js';
import { parsePolicy, policyJsonSchema } from './load-policy.js';
import { RULE_KINDS } from './rules/registry.js';

const NOW = new Date('2026-12-01T12:00:00Z');

function vuln(id: string, severity: VulnerabilityFinding['severity'], extra: Partial<VulnerabilityFinding> = {}): VulnerabilityFinding {
  return {
    kind: 'vulnerability',
    id: `f-${id}`,
    ruleId: id,
    title: id,
    severity,
    description: '',
    location: null,
    createdBy: null,
    removedInLayer: null,
    foundBy: 'test',
    fix: extra.fixedVersions?.[0] === undefined ? null : `Upgrade to ${extra.fixedVersions[0]}`,
    references: [],
    vulnerabilityId: id,
    aliases: [],
    packageId: 'deb:openssl@3.0.1',
    packageName: 'openssl',
    installedVersion: '3.0.1',
    fixedVersions: [],
    status: 'fixed',
    packageType: 'deb',
    purl: 'pkg:deb/debian/openssl@3.0.1',
    ...extra,
  };
}

function other(kind: 'secret' | 'malware' | 'hardening' | 'supply-chain', ruleId: string, severity: Finding['severity'] = 'high'): Finding {
  const base = {
    id: `f-${kind}-${ruleId}`,
    ruleId,
    title: ruleId,
    severity,
    description: '',
    location: { path: '/app/x', layerDigest: null, diffId: null, layerIndex: 1 },
    createdBy: null,
    removedInLayer: null,
    foundBy: 'test',
    fix: null,
    references: [],
  };
  switch (kind) {
    case 'secret':
      return { ...base, kind, match: '***', line: 1 };
    case 'malware':
      return { ...base, kind, sha256: null };
    default:
      return { ...base, kind, evidence: 'e' };
  }
}

function scanned(findings: Finding[], extra: Partial<Report> = {}): Report {
  return { ...inventory([pkg('deb', 'openssl', '3.0.1')], distro('debian', '13')), findings, scanners: ['vuln', 'secret', 'hardening'], ...extra };
}

const POLICY = `
apiVersion: sekisho.dev/v1
kind: Policy
metadata: { name: acme }
rules:
  no-critical: { kind: vulnerabilities, severity: critical, action: fail }
  secrets: { kind: secrets, action: fail }
environments:
  dev:
    allowIncomplete: true
    rules:
      no-critical: { action: warn }
      secrets: { action: warn }
  staging:
    extends: dev
    rules:
      secrets: { action: fail }
  prod:
    extends: staging
    allowIncomplete: false
    rules:
      no-critical: { action: fail, severity: high, fixable: true }
      kev: { kind: kev }
mappings:
  - { environment: prod, images: ["registry.acme.io/prod/**"] }
  - { environment: prod, namespaces: ["prod-*"] }
  - { environment: staging, namespaceLabels: { stage: "stag*" } }
defaultEnvironment: dev
exceptions:
  - { id: CVE-2026-0002, purl: "pkg:deb/debian/openssl", owner: a@acme.io, reason: not reachable, expires: 2027-01-31 }
  - { id: CVE-2026-0003, owner: a@acme.io, reason: old, expires: 2026-11-30 }
`;

describe('policy file', () => {
  it('inherits along extends: base rules, then each ancestor, then the environment', () => {
    const policy = parsePolicy(POLICY, 'sekisho.yaml');
    const prod = resolveEnvironment(policy, 'prod');
    expect(prod.lineage).toEqual(['dev', 'staging', 'prod']);
    expect(prod.rules.map((r) => [r.id, r.action])).toEqual([
      ['kev', 'fail'],
      ['no-critical', 'fail'],
      ['secrets', 'fail'],
      ['complete-scan', 'fail'],
    ]);
    expect(prod.rules.find((r) => r.id === 'no-critical')?.params).toMatchObject({ severity: 'high', fixable: true });
    const dev = resolveEnvironment(policy, 'dev');
    expect(dev.rules.map((r) => [r.id, r.action])).toEqual([
      ['no-critical', 'warn'],
      ['secrets', 'warn'],
    ]);
    expect(resolveEnvironment(policy, 'staging').rules.find((r) => r.id === 'secrets')?.action).toBe('fail');
  });

  it('maps images, namespaces and namespace labels to environments, first match wins, else the default', () => {
    const policy = parsePolicy(POLICY, 'p');
    expect(environmentFor(policy, { images: ['registry.acme.io/prod/app:1.2'] })).toBe('prod');
    expect(environmentFor(policy, { images: ['registry.acme.io/dev/app:1.2'] })).toBe('dev');
    expect(environmentFor(policy, { namespace: 'prod-eu' })).toBe('prod');
    expect(environmentFor(policy, { namespace: 'team', namespaceLabels: { stage: 'staging' } })).toBe('staging');
    expect(environmentFor(policy, { namespace: 'team' })).toBe('dev');
  });

  it('refuses broken policies with the path of the field, at load time', () => {
    const code = (text: string): string => {
      try {
        parsePolicy(text, 'p');
        return 'loaded';
      } catch (error) {
        return isSekishoError(error) ? `${error.code}: ${error.message}` : String(error);
      }
    };
    const head = 'apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: p }\n';
    expect(code(`${head}environments: { a: { extends: b }, b: { extends: a } }`)).toMatch(/CONFIG_INVALID: .*cycle/);
    expect(code(`${head}environments: { a: { extends: nope } }`)).toMatch(/CONFIG_INVALID: .*unknown environment "nope"/);
    expect(code(`${head}environments: { a: { rules: { x: { kind: vulnerabilities, severity: huge } } } }`)).toMatch(/CONFIG_INVALID: policy p: environments\.a\.rules\.x\.severity/);
    expect(code(`${head}environments: { a: { rules: { x: { kind: vulnerabilities, sevrity: high } } } }`)).toMatch(/CONFIG_INVALID: .*environments\.a\.rules\.x/);
    expect(code(`${head}environments: { a: { rules: { x: { kind: teleport } } } }`)).toMatch(/unknown rule kind "teleport"/);
    expect(code(`${head}environments: { a: { rules: { x: { action: fail } } } }`)).toMatch(/needs a kind/);
    expect(code(`apiVersion: sekisho.dev/v2\nkind: Policy\nmetadata: { name: p }\nenvironments: {}`)).toMatch(/CONFIG_INVALID: policy p: apiVersion/);
    expect(code(`${head}environments: { a: {} }\nexceptions: [{ id: X, owner: o, reason: r }]`)).toMatch(/exceptions\.0\.expires/);
    expect(code(`${head}environments: { a: {} }\ndefaultEnvironment: b`)).toMatch(/unknown environment "b"/);
  });

  it('publishes a JSON Schema for editors', () => {
    const schema = policyJsonSchema() as { properties?: Record<string, unknown>; required?: string[] };
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(['apiVersion', 'environments', 'mappings', 'exceptions']));
    expect(schema.required).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'environments']));
  });
});

describe('evaluatePolicy', () => {
  const policy = parsePolicy(POLICY, 'p');

  it('the same report passes with a warning in dev and fails in prod', () => {
    const report = scanned([vuln('CVE-2026-0001', 'critical', { fixedVersions: ['3.0.2'] })]);
    const dev = evaluatePolicy(report, policy, 'dev', { now: NOW });
    expect(dev.result).toBe('warn');
    const prod = evaluatePolicy(report, policy, 'prod', { now: NOW });
    expect(prod.result).toBe('fail');
    const rule = prod.rules[0];
    expect(rule).toMatchObject({ id: 'no-critical', status: 'violated', outcome: 'fail', evidenceCount: 1 });
    expect(rule?.evidence[0]).toMatchObject({ ref: 'f-CVE-2026-0001', fix: 'Upgrade to 3.0.2' });
    expect(rule?.evidence[0]?.text).toContain('CVE-2026-0001 in openssl 3.0.1 (critical, fixed in 3.0.2)');
  });

  it('exceptions excuse findings in scope until they expire, and the decision lists both kinds', () => {
    const report = scanned([vuln('CVE-2026-0002', 'high', { fixedVersions: ['3.0.2'] }), vuln('CVE-2026-0003', 'high', { fixedVersions: ['3.0.2'] })]);
    const d = evaluatePolicy(report, policy, 'prod', { now: NOW });
    const rule = d.rules.find((r) => r.id === 'no-critical');
    expect(rule).toMatchObject({ status: 'violated', evidenceCount: 1, excepted: 1 });
    expect(rule?.evidence[0]?.ref).toBe('f-CVE-2026-0003');
    expect(d.exceptions.applied.map((e) => [e.id, e.matched])).toEqual([['CVE-2026-0002', 1]]);
    expect(d.exceptions.expired.map((e) => e.id)).toEqual(['CVE-2026-0003']);
    // The day the exception ends it still applies; the day after it does not.
    const last = evaluatePolicy(report, policy, 'prod', { now: new Date('2027-01-31T23:00:00Z') });
    expect(last.exceptions.applied.map((e) => e.id)).toEqual(['CVE-2026-0002']);
    const after = evaluatePolicy(report, policy, 'prod', { now: new Date('2027-02-01T00:00:00Z') });
    expect(after.rules.find((r) => r.id === 'no-critical')?.evidenceCount).toBe(2);
    // A purl scope that names another package does not excuse.
    const elsewhere = scanned([vuln('CVE-2026-0002', 'high', { fixedVersions: ['1'], purl: 'pkg:deb/debian/curl@7', packageName: 'curl' })]);
    expect(evaluatePolicy(elsewhere, policy, 'prod', { now: NOW }).rules.find((r) => r.id === 'no-critical')?.excepted).toBe(0);
  });

  it('a rule whose scanner did not run is not evaluated, and fails a fail rule (never passes)', () => {
    const report = scanned([], { scanners: ['vuln'] });
    const d = evaluatePolicy(report, policy, 'prod', { now: NOW });
    expect(d.rules.find((r) => r.id === 'secrets')).toMatchObject({ status: 'not-evaluated', outcome: 'fail', message: 'not judged: the secret scanner did not run' });
    expect(d.result).toBe('fail');
    const old = scanned([]);
    const { scanners: _drop, ...withoutScanners } = old;
    const fromOldVersion = evaluatePolicy(withoutScanners, policy, 'prod', { now: NOW });
    expect(fromOldVersion.rules.filter((r) => r.status === 'not-evaluated').map((r) => r.id)).toEqual(['kev', 'no-critical', 'secrets']);
  });

  it('an incomplete report fails unless the environment allows it', () => {
    const report = scanned([], { notChecked: [{ scanner: 'vuln', reason: 'no advisory database', fix: 'sekisho db update' }] });
    const prod = evaluatePolicy(report, policy, 'prod', { now: NOW });
    expect(prod.rules.find((r) => r.id === 'complete-scan')).toMatchObject({ status: 'violated', outcome: 'fail' });
    expect(prod.result).toBe('fail');
    expect(evaluatePolicy(report, policy, 'dev', { now: NOW }).rules.some((r) => r.id === 'complete-scan')).toBe(false);
  });

  it('a waived rule passes and the waiver is listed', () => {
    const waived = parsePolicy(`${POLICY}  - { rule: secrets, owner: o, reason: demo image, expires: 2027-01-01, environments: [prod] }\n`, 'p');
    const d = evaluatePolicy(scanned([other('secret', 'github-pat')]), waived, 'prod', { now: NOW });
    expect(d.rules.find((r) => r.id === 'secrets')).toMatchObject({ status: 'pass', message: 'waived by an exception' });
    expect(d.exceptions.applied.map((e) => e.id)).toEqual(['rule:secrets']);
    expect(evaluatePolicy(scanned([other('secret', 'github-pat')]), waived, 'staging', { now: NOW }).rules.find((r) => r.id === 'secrets')?.status).toBe('violated');
  });

  it('is deterministic: the same inputs give the same decision and grade', () => {
    const report = scanned([vuln('CVE-2026-0001', 'critical'), other('secret', 'aws-key')]);
    const a = evaluatePolicy(report, policy, 'prod', { now: NOW });
    const b = evaluatePolicy(structuredClone(report), parsePolicy(POLICY, 'p'), 'prod', { now: NOW });
    expect(b).toEqual(a);
  });
});

/** One environment with one rule of the given kind, evaluated against a report. */
function judge(rule: string, report: Report, now = NOW): { status: string; message: string; evidence: string[] } {
  const policy = parsePolicy(`apiVersion: sekisho.dev/v1\nkind: Policy\nmetadata: { name: t }\nenvironments:\n  e:\n    allowIncomplete: true\n    rules:\n      r: ${rule}\n`, 't');
  const r = evaluatePolicy(report, policy, 'e', { now }).rules[0];
  return { status: r?.status ?? 'none', message: r?.message ?? '', evidence: r?.evidence.map((e) => e.text) ?? [] };
}

describe('rule kinds', () => {
  it('every kind in the registry is tested here', () => {
    const tested = [
      'vulnerabilities',
      'kev',
      'fix-sla',
      'secrets',
      'malware',
      'hardening',
      'misconfiguration',
      'supply-chain',
      'end-of-life',
      'image-age',
      'registries',
      'labels',
      'licenses',
      'complete-scan',
      'host',
    ];
    expect(RULE_KINDS.map((k) => k.kind).sort()).toEqual([...tested].sort());
  });

  it('vulnerabilities: severity, fixable, priority, package types and a count allowance', () => {
    const r = scanned([
      vuln('CVE-1', 'high', { fixedVersions: ['2'], priority: { level: 'p2', score: 60, factors: [] } }),
      vuln('CVE-2', 'high', { packageType: 'npm' }),
      vuln('CVE-3', 'medium', { fixedVersions: ['2'] }),
    ]);
    expect(judge('{ kind: vulnerabilities, severity: high }', r).evidence).toHaveLength(2);
    expect(judge('{ kind: vulnerabilities, severity: high, fixable: true }', r).evidence).toHaveLength(1);
    expect(judge('{ kind: vulnerabilities, severity: low, packageTypes: [npm] }', r).evidence).toHaveLength(1);
    expect(judge('{ kind: vulnerabilities, severity: low, priority: p1 }', r).status).toBe('pass');
    expect(judge('{ kind: vulnerabilities, severity: low, priority: p2 }', r).evidence).toHaveLength(1);
    expect(judge('{ kind: vulnerabilities, severity: low, maxCount: 3 }', r).status).toBe('pass');
    expect(judge('{ kind: vulnerabilities, severity: low, maxCount: 2 }', r).message).toBe('3 vulnerabilities at or above low, more than the 2 allowed');
  });

  it('kev', () => {
    const listed = vuln('CVE-9', 'medium', { kev: { dateAdded: '2026-01-01', dueDate: null, ransomware: false } });
    expect(judge('{ kind: kev }', scanned([vuln('CVE-1', 'critical'), listed])).evidence).toEqual(['CVE-9 in openssl 3.0.1 (medium, known exploited, no fix yet)']);
  });

  it('fix-sla: counted from publication, or from first seen; an unknown clock is not judged', () => {
    const old = vuln('CVE-1', 'high', { fixedVersions: ['2'], published: '2026-10-01T00:00:00Z' });
    const fresh = vuln('CVE-2', 'high', { fixedVersions: ['2'], published: '2026-11-25T00:00:00Z' });
    const noDate = vuln('CVE-3', 'high', { fixedVersions: ['2'] });
    expect(judge('{ kind: fix-sla, days: 30 }', scanned([old, fresh])).evidence).toEqual(['CVE-1 in openssl 3.0.1 (high, fixed in 2): open 61 days since published (SLA 30)']);
    expect(judge('{ kind: fix-sla, days: 30 }', scanned([fresh])).status).toBe('pass');
    expect(judge('{ kind: fix-sla, days: 30 }', scanned([fresh, noDate])).status).toBe('not-evaluated');
    expect(judge('{ kind: fix-sla, days: 30, since: first-seen }', scanned([old])).status).toBe('not-evaluated');
  });

  it('secrets, malware, hardening, supply-chain count their findings', () => {
    const removed = { ...other('secret', 'aws-key'), removedInLayer: 2 };
    expect(judge('{ kind: secrets }', scanned([removed])).evidence[0]).toContain('removed in layer 2, still in the image');
    expect(judge('{ kind: secrets, includeRemoved: false }', scanned([removed])).status).toBe('pass');
    expect(judge('{ kind: malware }', scanned([other('malware', 'YARA.miner')], { scanners: ['malware'] })).status).toBe('violated');
    expect(judge('{ kind: malware }', scanned([])).status).toBe('not-evaluated');
    const h = scanned([other('hardening', 'SEK-IMG-001', 'medium'), other('hardening', 'SEK-IMG-003', 'high')]);
    expect(judge('{ kind: hardening, checks: [SEK-IMG-001] }', h).evidence).toHaveLength(1);
    expect(judge('{ kind: hardening, severity: high }', h).evidence).toHaveLength(1);
    expect(judge('{ kind: supply-chain }', scanned([other('supply-chain', 'SEK-SC-UNSIGNED')], { scanners: ['supply-chain'] })).status).toBe('violated');
  });

  it('misconfiguration by check, severity and standard level', () => {
    const m: Finding = {
      kind: 'misconfiguration',
      id: 'm1',
      ruleId: 'PSS-privileged',
      title: 'Privileged container',
      severity: 'high',
      description: '',
      location: null,
      createdBy: null,
      removedInLayer: null,
      foundBy: 'k8s',
      fix: null,
      references: [],
      target: { file: 'pod.yaml', document: 0, kind: 'Pod', name: 'web', namespace: 'prod', container: 'app' },
      fieldPath: null,
      standard: { name: 'pod-security-standards', level: 'baseline', check: 'privileged', version: 'v1.30' },
    };
    const r = scanned([m], { scanners: ['config'] });
    expect(judge('{ kind: misconfiguration, standard: { name: pod-security-standards, level: baseline } }', r).evidence).toEqual([
      'PSS-privileged Privileged container (pod.yaml Pod/web container app)',
    ]);
    expect(judge('{ kind: misconfiguration, standard: { name: pod-security-standards, level: restricted } }', r).status).toBe('pass');
    expect(judge('{ kind: misconfiguration, severity: critical }', r).status).toBe('pass');
  });

  it('end-of-life: judged at evaluation time, extended phases allowed unless disallowed, unknown releases not judged', () => {
    const on = (id: string, v: string): Report => ({ ...scanned([]), distro: distro(id, v) });
    expect(judge('{ kind: end-of-life }', on('debian', '12')).status).toBe('pass');
    expect(judge('{ kind: end-of-life, allowExtended: false }', on('debian', '12'))).toMatchObject({ status: 'violated', evidence: ['regular support ended 2026-06-10'] });
    expect(judge('{ kind: end-of-life }', on('debian', '11')).status).toBe('violated');
    expect(judge('{ kind: end-of-life }', on('debian', '13')).status).toBe('pass');
    expect(judge('{ kind: end-of-life }', on('debian', '13'), new Date('2031-01-01')).status).toBe('violated');
    expect(judge('{ kind: end-of-life }', on('wolfi', '20230201')).status).toBe('not-evaluated');
    expect(judge('{ kind: end-of-life, unknown: pass }', on('wolfi', '20230201')).status).toBe('pass');
    expect(judge('{ kind: end-of-life }', { ...scanned([]), distro: null }).status).toBe('pass');
  });

  it('image-age needs a real creation date', () => {
    const at = (created: string | null): Report => {
      const r = scanned([]);
      return { ...r, image: r.image === null ? null : { ...r.image, config: { ...r.image.config, created } } };
    };
    expect(judge('{ kind: image-age, maxDays: 30 }', at('2026-11-15T00:00:00Z')).status).toBe('pass');
    expect(judge('{ kind: image-age, maxDays: 30 }', at('2026-01-01T00:00:00Z')).message).toBe('built 334 days ago, more than 30');
    expect(judge('{ kind: image-age, maxDays: 30 }', at('1970-01-01T00:00:00Z')).status).toBe('not-evaluated');
    expect(judge('{ kind: image-age, maxDays: 30 }', at(null)).status).toBe('not-evaluated');
  });

  it('registries: allow and deny globs over Docker-normalised names; a nameless image is not judged', () => {
    const named = (reference: string, repoTags: string[] = []): Report => ({ ...scanned([]), target: { ...scanned([]).target, reference, sourceType: 'registry', repoTags } });
    expect(judge('{ kind: registries, allow: ["docker.io/library/*"] }', named('nginx:1.25')).status).toBe('pass');
    expect(judge('{ kind: registries, allow: ["docker.io/library/*"] }', named('bitnami/nginx:1.25')).evidence).toEqual([
      'docker.io/bitnami/nginx:1.25 is not from an allowed registry or repository (docker.io/library/*)',
    ]);
    expect(judge('{ kind: registries, allow: ["ghcr.io/acme/**"], deny: ["ghcr.io/acme/experimental/**"] }', named('ghcr.io/acme/experimental/x:1')).status).toBe('violated');
    expect(judge('{ kind: registries, allow: ["ghcr.io/acme/**"] }', named('ghcr.io/acme/team/app@sha256:' + 'a'.repeat(64))).status).toBe('pass');
    const local = { ...scanned([]), target: { ...scanned([]).target, sourceType: 'oci-archive' as const, repoTags: [] } };
    expect(judge('{ kind: registries, allow: ["**"] }', local).status).toBe('not-evaluated');
  });

  it('labels: required and forbidden', () => {
    const labelled = (labels: Record<string, string>): Report => {
      const r = scanned([]);
      return { ...r, image: r.image === null ? null : { ...r.image, config: { ...r.image.config, labels } } };
    };
    const rule = '{ kind: labels, require: { org.opencontainers.image.source: "https://github.com/acme/*" }, forbid: { com.acme.internal-only: "true" } }';
    expect(judge(rule, labelled({ 'org.opencontainers.image.source': 'https://github.com/acme/app' })).status).toBe('pass');
    expect(judge(rule, labelled({ 'org.opencontainers.image.source': 'https://github.com/acme/app', 'com.acme.internal-only': 'true' })).evidence).toEqual([
      'label com.acme.internal-only=true is forbidden here',
    ]);
    expect(judge(rule, labelled({})).evidence).toEqual(['label org.opencontainers.image.source is missing (required: https://github.com/acme/*)']);
  });

  it('licenses: OR offers a choice, AND binds to both, globs, unknown licences', () => {
    const withLicences = (...licences: string[][]): Report => ({ ...scanned([]), packages: licences.map((l, i) => pkg('npm', `p${i}`, '1.0.0', { licenses: l })) });
    const deny = '{ kind: licenses, deny: ["AGPL-*", "GPL-3.0*"] }';
    expect(judge(deny, withLicences(['MIT'], ['Apache-2.0 OR AGPL-3.0-only'])).status).toBe('pass');
    expect(judge(deny, withLicences(['MIT AND AGPL-3.0-only'])).evidence).toEqual(['p0 1.0.0 (npm) licensed MIT AND AGPL-3.0-only']);
    expect(judge(deny, withLicences(['GPL-3.0-or-later'])).status).toBe('violated');
    expect(judge('{ kind: licenses, allow: [MIT, Apache-2.0] }', withLicences(['MIT'], ['BSD-3-Clause'])).evidence).toEqual(['p1 1.0.0 (npm) licensed BSD-3-Clause']);
    expect(judge('{ kind: licenses, allow: [MIT], unknown: fail }', withLicences([])).evidence).toEqual(['p0 1.0.0 (npm) states no licence']);
    expect(judge('{ kind: licenses, allow: [MIT] }', withLicences([])).status).toBe('pass');
  });

  it('complete-scan', () => {
    expect(judge('{ kind: complete-scan }', scanned([])).status).toBe('pass');
    const unread = scanned([], { unknowns: [{ location: { path: '/var/lib/dpkg/status', layerDigest: null, diffId: null, layerIndex: 0 }, foundBy: 'dpkg', reason: 'unreadable' }] });
    expect(judge('{ kind: complete-scan }', unread).message).toBe('the scan is incomplete: 1 file(s) or entries could not be read (see unknowns)');
  });
});

describe('health grade', () => {
  it('is the weighted share of passing rules, with fixed grade bands', () => {
    expect(healthScore([])).toBe(100);
    expect(
      healthScore([
        { status: 'pass', weight: 20 },
        { status: 'violated', weight: 20 },
      ]),
    ).toBe(50);
    expect(
      healthScore([
        { status: 'pass', weight: 10 },
        { status: 'not-evaluated', weight: 30 },
      ]),
    ).toBe(25);
    expect([100, 90, 89, 70, 69, 50, 49, 30, 29, 10, 9, 0].map(healthGrade)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E', 'F', 'F']);
  });

  it('moves with each rule by its weight, whatever its action', () => {
    const policy = parsePolicy(POLICY, 'p');
    const clean = evaluatePolicy(scanned([]), policy, 'prod', { now: NOW });
    expect([clean.score, clean.grade]).toEqual([100, 'A']);
    // kev 20, no-critical 20, secrets 15, complete-scan 10: a secret costs 15 of 65.
    const secret = evaluatePolicy(scanned([other('secret', 'aws-key')]), policy, 'prod', { now: NOW });
    expect([secret.score, secret.grade]).toEqual([76, 'B']);
    // dev warns instead of failing, and scores the same violations the same way (its rules: no-critical 20, secrets 15).
    const dev = evaluatePolicy(scanned([other('secret', 'aws-key')]), policy, 'dev', { now: NOW });
    expect([dev.result, dev.score, dev.grade]).toEqual(['warn', 57, 'C']);
  });
});
