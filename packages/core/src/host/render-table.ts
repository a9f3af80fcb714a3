import type { Report } from '@sekisho/model';
import { decisionLines } from '../policy/render-decision.js';
import { paintSeverity } from '../reporters/table/color.js';
import { completenessLine, unknownLines } from '../reporters/table/inventory-table.js';
import { KERNEL_CATALOG_DATE } from '../kernel-catalog/kernel-cves.js';
import { RUNTIME_CATALOG_DATE } from './catalog/runtime-cves.js';
import type { HostFactsDocument } from './facts.js';

const yesNo = (v: boolean | null, yes = 'yes', no = 'no'): string => (v === null ? 'unknown' : v ? yes : no);

/** The facts a reader checks first, one line each. */
export function hostFactLines(facts: HostFactsDocument): string[] {
  const lines: string[] = [];
  const k = facts.kernel;
  lines.push(`Kernel:    ${k === null ? 'unknown' : `${k.release}${k.distroBuild ? ' (distribution build)' : ''} — from ${k.source}`}`);
  const os = facts.os;
  lines.push(
    `OS:        ${os === null ? 'unknown' : `${os.prettyName} — ${os.supportPhase === 'regular' ? `supported until ${os.phaseEnds ?? '?'}` : os.supportPhase === 'extended' ? `extended support until ${os.phaseEnds ?? '?'}` : os.supportPhase === 'eol' ? `END OF LIFE since ${os.eolDate ?? '?'}` : 'support dates unknown'}`}`,
  );
  lines.push(`LSM:       ${facts.lsms?.join(',') ?? 'unknown'}; AppArmor ${yesNo(facts.appArmorEnabled, 'enabled', 'off')}; SELinux ${facts.selinux ?? 'unknown'}`);
  lines.push(
    `Seccomp:   ${yesNo(facts.seccompSupported, 'supported', 'NOT supported')}    cgroup: ${facts.cgroupVersion === null ? 'unknown' : `v${facts.cgroupVersion}`}    user namespaces: ${yesNo(facts.userNamespaces.supported)} (unprivileged: ${yesNo(facts.userNamespaces.unprivileged)})`,
  );
  const sysctls = Object.entries(facts.sysctls);
  if (sysctls.length > 0) lines.push(`Sysctls:   ${sysctls.map(([n, v]) => `${n}=${v}`).join('  ')}`);
  if (facts.runtimes.length === 0) lines.push('Runtimes:  none found');
  else for (const r of facts.runtimes) lines.push(`Runtime:   ${r.component} ${r.version} (${r.source}${r.distroBuild ? ', distribution build' : ''}: ${r.file})`);
  if (facts.kubeletSeccompDefault !== null) lines.push(`Kubelet:   seccompDefault ${facts.kubeletSeccompDefault}`);
  if (facts.dockerUsernsRemap !== null) lines.push(`Docker:    userns-remap ${facts.dockerUsernsRemap ? 'on' : 'off'}`);
  lines.push(`Catalogs:  kernel CVEs of ${KERNEL_CATALOG_DATE}, runtime CVEs of ${RUNTIME_CATALOG_DATE}`);
  return lines;
}

/** The host report as a table: facts, findings, what was not read or judged, the policy, the status. */
export function renderHostTable(report: Report, facts: HostFactsDocument, color: boolean): string {
  const lines: string[] = [`Target:    ${report.target.reference}`, ...hostFactLines(facts), ''];
  lines.push(`Findings: ${report.findings.length === 0 ? 'none' : report.findings.length}`);
  for (const f of report.findings) {
    if (f.kind !== 'misconfiguration') continue;
    const std = f.standard === null ? '' : ` [${f.standard.name} ${f.standard.check}]`;
    lines.push(
      '',
      `${paintSeverity(f.severity, f.severity.toUpperCase().padEnd(8), color)} ${f.title}`,
      `  rule:     ${f.ruleId}${std}`,
      `  evidence: ${f.target.file}${f.fieldPath === null ? '' : ` · ${f.fieldPath}`}`,
      `  why:      ${f.description}`,
    );
    if (f.fix !== null) lines.push(`  fix:      ${f.fix}`);
  }
  if (report.unknowns.length > 0) lines.push('', ...unknownLines(report));
  if (report.notChecked.length > 0) {
    lines.push('', 'Not judged:');
    for (const n of report.notChecked) lines.push(`  ${n.scanner}: ${n.reason}${n.fix === null ? '' : ` (fix: ${n.fix})`}`);
  }
  if (report.policy !== undefined) lines.push('', ...decisionLines(report.policy));
  lines.push('', completenessLine(report));
  return `${lines.join('\n')}\n`;
}
