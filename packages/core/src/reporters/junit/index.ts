import { reportCompleteness } from '@sekisho/model';
import type { Finding, Report } from '@sekisho/model';
import type { Reporter, ReporterPlugin } from '../types.js';

/**
 * JUnit XML (the de-facto schema CI systems read: Jenkins, GitLab, Azure DevOps; see
 * https://github.com/testmoapp/junitxml): one test suite per vulnerable package and one per
 * other finding kind, one failed test case per finding. A scan without findings is one suite
 * with a passing test case, so CI shows the scan ran.
 */

// XML 1.0 Char production: tab, LF, CR and U+0020 upward, minus surrogates and U+FFFE/U+FFFF.
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

interface Suite {
  readonly name: string;
  readonly cases: { readonly classname: string; readonly name: string; readonly finding: Finding | null }[];
}

function suiteKey(f: Finding): { key: string; name: string; classname: string } {
  if (f.kind === 'vulnerability') {
    const name = `${f.packageName} ${f.installedVersion}`;
    return { key: `v:${f.packageId}`, name: `vulnerabilities: ${name}${f.packageType ? ` (${f.packageType})` : ''}`, classname: name };
  }
  return { key: `k:${f.kind}`, name: f.kind, classname: f.location?.path ?? f.kind };
}

function failureText(f: Finding): string {
  const lines = [f.description];
  if (f.fix !== null) lines.push(`Fix: ${f.fix}`);
  if (f.location !== null) lines.push(`Path: ${f.location.path}${f.location.layerIndex !== null ? ` (layer ${f.location.layerIndex})` : ''}`);
  if (f.createdBy !== null) lines.push(`Build step: ${f.createdBy}`);
  if (f.kind === 'vulnerability' && f.priority) lines.push(`Priority: ${f.priority.level} (${f.priority.score})`);
  for (const r of f.references.slice(0, 5)) lines.push(r);
  return lines.join('\n');
}

export function toJunit(report: Report): string {
  const suites = new Map<string, Suite>();
  for (const f of report.findings) {
    const { key, name, classname } = suiteKey(f);
    const suite = suites.get(key) ?? { name, cases: [] };
    suite.cases.push({ classname, name: `[${f.severity.toUpperCase()}] ${f.ruleId}${f.kind === 'vulnerability' ? '' : `: ${f.title}`}`, finding: f });
    suites.set(key, suite);
  }
  if (suites.size === 0) suites.set('none', { name: 'sekisho', cases: [{ classname: report.target.reference, name: 'no findings', finding: null }] });
  // Completeness: one suite with the status as properties, and an errored test case for each scanner that did not run and for unreadable files.
  const completeness = reportCompleteness(report);
  const errored = [
    ...report.notChecked.map((n) => ({ name: `${n.scanner} not checked`, text: `${n.reason}${n.fix === null ? '' : `\nFix: ${n.fix}`}` })),
    ...(report.unknowns.length > 0
      ? [
          {
            name: 'files not read',
            text: report.unknowns
              .slice(0, 100)
              .map((u) => `${u.location.path}: ${u.reason}`)
              .join('\n'),
          },
        ]
      : []),
  ];
  const policy = report.policy;
  const policyFailures = policy === undefined ? 0 : policy.rules.filter((r) => r.outcome === 'fail').length;
  const failures = report.findings.length + policyFailures;
  const tests = [...suites.values()].reduce((n, s) => n + s.cases.length, 0) + errored.length + (policy?.rules.length ?? 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`sekisho ${report.target.reference}`)}" tests="${tests}" failures="${failures}" errors="${errored.length}">`,
    `  <testsuite name="sekisho completeness" tests="${errored.length}" failures="0" errors="${errored.length}" skipped="0">`,
    '    <properties>',
    `      <property name="status" value="${completeness.status}"/>`,
    ...completeness.reasons.map((r) => `      <property name="statusReason" value="${escapeXml(r)}"/>`),
    ...completeness.notes.map((r) => `      <property name="statusNote" value="${escapeXml(r)}"/>`),
    '    </properties>',
    ...errored.flatMap((e) => [
      `    <testcase classname="sekisho" name="${escapeXml(e.name)}">`,
      `      <error message="${escapeXml(e.name)}" type="incomplete">${escapeXml(e.text)}</error>`,
      '    </testcase>',
    ]),
    '  </testsuite>',
  ];
  // The policy decision: one test case per rule, failed when its outcome is fail (violated or not judged).
  if (policy !== undefined) {
    out.push(`  <testsuite name="policy" tests="${policy.rules.length}" failures="${policyFailures}" errors="0" skipped="0">`);
    out.push('    <properties>');
    for (const [name, value] of [
      ['policy', policy.policy],
      ['environment', policy.environment],
      ['result', policy.result],
      ['grade', policy.grade],
      ['score', String(policy.score)],
    ] as const) {
      out.push(`      <property name="${name}" value="${escapeXml(value)}"/>`);
    }
    out.push('    </properties>');
    for (const r of policy.rules) {
      const name = `${r.id} (${r.kind})`;
      if (r.outcome !== 'fail') {
        out.push(`    <testcase classname="policy.${escapeXml(policy.environment)}" name="${escapeXml(name)}"/>`);
        continue;
      }
      const text = [
        r.message,
        ...r.evidence.map((e) => `- ${e.text}${e.fix === null ? '' : ` → ${e.fix}`}`),
        ...(r.evidenceCount > r.evidence.length ? [`… and ${r.evidenceCount - r.evidence.length} more`] : []),
      ].join('\n');
      out.push(`    <testcase classname="policy.${escapeXml(policy.environment)}" name="${escapeXml(name)}">`);
      out.push(`      <failure message="${escapeXml(r.message)}" type="${escapeXml(r.status)}">${escapeXml(text)}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  for (const suite of [...suites.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const suiteFailures = suite.cases.filter((c) => c.finding !== null).length;
    out.push(`  <testsuite name="${escapeXml(suite.name)}" tests="${suite.cases.length}" failures="${suiteFailures}" errors="0" skipped="0">`);
    for (const c of suite.cases) {
      if (c.finding === null) {
        out.push(`    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}"/>`);
        continue;
      }
      const f = c.finding;
      out.push(`    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}">`);
      out.push(`      <failure message="${escapeXml(f.title)}" type="${escapeXml(f.severity)}">${escapeXml(failureText(f))}</failure>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

export const id = 'junit';
export const version = 1;

export const junitReporter: Reporter = {
  id,
  mediaType: 'application/xml',
  specVersions: ['junit-xml'],
  render: (report) => toJunit(report),
};

export const junitReporterPlugin: ReporterPlugin = { id, views: ['scan'], create: () => junitReporter };
