import type { ComparedSide, PackageChange, PackageRef, ReportComparison, VulnerabilityRef } from './compare-reports.js';

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
/** Rows per section; the count of the rest is printed. */
const MAX_ROWS = 200;

function counts(side: ComparedSide): string {
  return SEVERITY_ORDER.slice(0, 4)
    .map((s) => `${side.vulnerabilities[s] ?? 0}${s[0]?.toUpperCase() ?? ''}`)
    .join(' ');
}

function delta(a: number, b: number): string {
  const d = b - a;
  return d === 0 ? '±0' : d > 0 ? `+${d}` : String(d);
}

function total(side: ComparedSide): number {
  return Object.values(side.vulnerabilities).reduce((s, n) => s + n, 0);
}

function grade(side: ComparedSide): string {
  return side.decision === null ? '—' : `${side.decision.grade} (${side.decision.score}, ${side.decision.result} in ${side.decision.environment})`;
}

function pkg(p: PackageRef): string {
  return `${p.type} ${p.name} ${p.version}${p.layer === null ? '' : ` (layer ${p.layer})`}`;
}

function change(c: PackageChange): string {
  const arrow = c.direction === 'upgraded' ? '↑' : c.direction === 'downgraded' ? '↓' : '~';
  return `${arrow} ${c.type} ${c.name} ${c.from} → ${c.to}${c.layer === null ? '' : ` (layer ${c.layer})`}`;
}

function vuln(v: VulnerabilityRef): string {
  return `${v.id} ${v.severity}${v.kev ? ' KEV' : ''} in ${v.packageName} ${v.installedVersion}${v.fixedVersions.length > 0 ? ` (fixed in ${v.fixedVersions[0] ?? ''})` : ''}`;
}

function capped<T>(items: readonly T[], line: (t: T) => string, prefix: string): string[] {
  const out = items.slice(0, MAX_ROWS).map((t) => `${prefix}${line(t)}`);
  if (items.length > MAX_ROWS) out.push(`${prefix}… and ${items.length - MAX_ROWS} more (see --format json)`);
  return out;
}

/** Plain text for a terminal. */
export function renderComparisonText(c: ReportComparison): string {
  const out: string[] = [];
  const rows: [string, string, string][] = [
    ['', 'before', 'after'],
    ['image', c.before.reference, c.after.reference],
    ['digest', c.before.manifestDigest ?? '—', c.after.manifestDigest ?? '—'],
    ['OS', c.before.distro ?? '—', c.after.distro ?? '—'],
    ['packages', String(c.before.packages), `${c.after.packages} (${delta(c.before.packages, c.after.packages)})`],
    ['vulnerabilities', `${total(c.before)}: ${counts(c.before)}`, `${total(c.after)}: ${counts(c.after)} (${delta(total(c.before), total(c.after))})`],
    ['policy', grade(c.before), grade(c.after)],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [a, b, d] of rows) out.push(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${d}`.trimEnd());
  out.push('', `Base layers shared: ${c.sharedBaseLayers} of ${c.before.layers} → ${c.after.layers}${c.base.changed ? `; base image ${c.base.before ?? '?'} → ${c.base.after ?? '?'}` : ''}`);
  out.push('', `Vulnerabilities: ${c.vulnerabilities.fixed.length} fixed, ${c.vulnerabilities.introduced.length} introduced, ${c.vulnerabilities.unchanged} unchanged`);
  out.push(...capped(c.vulnerabilities.introduced, vuln, '  + '), ...capped(c.vulnerabilities.fixed, vuln, '  - '));
  out.push('', `Packages: ${c.packages.added.length} added, ${c.packages.removed.length} removed, ${c.packages.changed.length} changed, ${c.packages.unchanged} unchanged`);
  out.push(...capped(c.packages.added, pkg, '  + '), ...capped(c.packages.removed, pkg, '  - '), ...capped(c.packages.changed, change, '  '));
  if (c.findings.introduced.length + c.findings.resolved.length > 0) {
    out.push('', `Other findings: ${c.findings.resolved.length} resolved, ${c.findings.introduced.length} introduced, ${c.findings.unchanged} unchanged`);
    const line = (f: ReportComparison['findings']['introduced'][number]): string => `${f.kind} ${f.ruleId} ${f.severity}${f.path === null ? '' : ` ${f.path}`}`;
    out.push(...capped(c.findings.introduced, line, '  + '), ...capped(c.findings.resolved, line, '  - '));
  }
  if (c.policy.length > 0) {
    out.push('', 'Policy rules that changed:');
    for (const r of c.policy) out.push(`  ${r.id}: ${r.before ?? '—'} → ${r.after ?? '—'}`);
  }
  if (c.env.added.length + c.env.removed.length + c.labels.added.length + c.labels.removed.length > 0) {
    out.push('', 'Env and labels:');
    out.push(...c.env.added.map((e) => `  + ENV ${e}`), ...c.env.removed.map((e) => `  - ENV ${e}`), ...c.labels.added.map((l) => `  + LABEL ${l}`), ...c.labels.removed.map((l) => `  - LABEL ${l}`));
  }
  return `${out.join('\n')}\n`;
}

/** Escape text for a Markdown table cell. */
function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
    .replace(/</g, '&lt;');
}

/** Markdown for a pull-request comment. */
export function renderComparisonMarkdown(c: ReportComparison): string {
  const out: string[] = ['## Sekisho image comparison', '', '| | before | after |', '|---|---|---|'];
  const row = (label: string, a: string, b: string): void => void out.push(`| ${label} | ${cell(a)} | ${cell(b)} |`);
  row('image', c.before.reference, c.after.reference);
  row('digest', c.before.manifestDigest ?? '—', c.after.manifestDigest ?? '—');
  row('OS', c.before.distro ?? '—', c.after.distro ?? '—');
  row('packages', String(c.before.packages), `${c.after.packages} (${delta(c.before.packages, c.after.packages)})`);
  row('vulnerabilities (C H M L)', counts(c.before), `${counts(c.after)} (${delta(total(c.before), total(c.after))})`);
  row('policy', grade(c.before), grade(c.after));
  out.push('', `Base layers shared: **${c.sharedBaseLayers}**${c.base.changed ? `; base image \`${cell(c.base.before ?? '?')}\` → \`${cell(c.base.after ?? '?')}\`` : ''}`);
  out.push('', `### Vulnerabilities: ${c.vulnerabilities.fixed.length} fixed, ${c.vulnerabilities.introduced.length} introduced, ${c.vulnerabilities.unchanged} unchanged`);
  if (c.vulnerabilities.introduced.length + c.vulnerabilities.fixed.length > 0) {
    out.push('', '| | vulnerability | severity | package | fixed in |', '|---|---|---|---|---|');
    const line =
      (sign: string) =>
      (v: VulnerabilityRef): string =>
        `| ${sign} | ${cell(v.id)}${v.kev ? ' (KEV)' : ''} | ${v.severity} | ${cell(`${v.packageName} ${v.installedVersion}`)} | ${cell(v.fixedVersions[0] ?? '—')} |`;
    out.push(...capped(c.vulnerabilities.introduced, line('➕'), ''), ...capped(c.vulnerabilities.fixed, line('✅'), ''));
  }
  out.push('', `### Packages: ${c.packages.added.length} added, ${c.packages.removed.length} removed, ${c.packages.changed.length} changed`);
  if (c.packages.added.length + c.packages.removed.length + c.packages.changed.length > 0) {
    out.push('', '| | type | package | version | layer |', '|---|---|---|---|---|');
    const layer = (n: number | null): string => (n === null ? '—' : String(n));
    out.push(...capped(c.packages.added, (p) => `| + | ${p.type} | ${cell(p.name)} | ${cell(p.version)} | ${layer(p.layer)} |`, ''));
    out.push(...capped(c.packages.removed, (p) => `| - | ${p.type} | ${cell(p.name)} | ${cell(p.version)} | ${layer(p.layer)} |`, ''));
    out.push(
      ...capped(
        c.packages.changed,
        (p) => `| ${p.direction === 'upgraded' ? '↑' : p.direction === 'downgraded' ? '↓' : '~'} | ${p.type} | ${cell(p.name)} | ${cell(`${p.from} → ${p.to}`)} | ${layer(p.layer)} |`,
        '',
      ),
    );
  }
  if (c.findings.introduced.length + c.findings.resolved.length > 0) {
    out.push('', `### Other findings: ${c.findings.resolved.length} resolved, ${c.findings.introduced.length} introduced`, '', '| | kind | rule | severity | path |', '|---|---|---|---|---|');
    const line =
      (sign: string) =>
      (f: ReportComparison['findings']['introduced'][number]): string =>
        `| ${sign} | ${f.kind} | ${cell(f.ruleId)} | ${f.severity} | ${cell(f.path ?? '—')} |`;
    out.push(...capped(c.findings.introduced, line('➕'), ''), ...capped(c.findings.resolved, line('✅'), ''));
  }
  if (c.policy.length > 0) {
    out.push('', '### Policy rules that changed', '', '| rule | before | after |', '|---|---|---|', ...c.policy.map((r) => `| ${cell(r.id)} | ${r.before ?? '—'} | ${r.after ?? '—'} |`));
  }
  return `${out.join('\n')}\n`;
}
