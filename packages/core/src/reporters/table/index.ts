import { reportCompleteness } from '@sekisho/model';
import type { DistroSupport, Finding, Package, Report } from '@sekisho/model';
import Table from 'cli-table3';
import type { Reporter } from '../types.js';

const STEP_WIDTH = 60;

function shortDigest(digest: string | null): string {
  return digest === null ? '' : digest.replace(/^sha256:/, '').slice(0, 12);
}

function oneLine(text: string, width: number): string {
  const clean = text.replace(/\s+/g, ' ').replace(/^\/bin\/sh -c (#\(nop\) )?/, '').trim();
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean;
}

function layerOf(pkg: Package, report: Report): { layer: string; step: string } {
  const loc = pkg.locations[0];
  if (!loc || loc.layerIndex === null) return { layer: '', step: '' };
  const info = report.image?.layers[loc.layerIndex];
  return { layer: `${loc.layerIndex} ${shortDigest(info?.digest ?? info?.diffId ?? null)}`, step: oneLine(info?.createdBy ?? '', STEP_WIDTH) };
}

function header(report: Report): string[] {
  const lines: string[] = [];
  const tags = report.target.repoTags.length > 0 ? ` (${report.target.repoTags.join(', ')})` : '';
  lines.push(`Target:   ${report.target.reference}${tags} [${report.target.sourceType}]`);
  if (report.target.manifestDigest) lines.push(`Digest:   ${report.target.manifestDigest}`);
  if (report.target.platform) lines.push(`Platform: ${[report.target.platform.os, report.target.platform.architecture, report.target.platform.variant].filter(Boolean).join('/')}`);
  const d = report.distro;
  if (d) {
    const eol = supportText(d.eol);
    lines.push(`OS:       ${d.prettyName}${d.distroless ? ' (distroless)' : ''} — ${eol}`);
  } else {
    lines.push('OS:       unknown');
  }
  if (report.image) {
    const user = report.image.config.user ?? '';
    lines.push(`Layers:   ${report.image.layers.length}   User: ${user === '' ? 'root (not set)' : user}   Packages: ${report.packages.length}`);
  } else {
    lines.push(`Packages: ${report.packages.length}`);
  }
  return lines;
}

function findingsTable(findings: readonly Finding[]): string {
  const table = new Table({ head: ['SEVERITY', 'KIND', 'RULE', 'WHERE', 'TITLE'], style: { head: [], border: [], compact: true }, wordWrap: true, colWidths: [10, 16, 24, 40, 50] });
  for (const f of findings) {
    const where = f.location ? `${f.location.path}${f.location.layerIndex !== null ? ` (layer ${f.location.layerIndex})` : ''}${f.removedInLayer !== null ? ` removed in layer ${f.removedInLayer}` : ''}` : '';
    table.push([f.severity.toUpperCase(), f.kind, f.ruleId, where, f.title]);
  }
  return table.toString();
}

/**
 * The last line of every table: `Status: complete`, or `Status: INCOMPLETE — …` naming what was
 * not checked and how to fix it, so a reader never takes a partial scan for a clean one.
 */
export function completenessFooter(report: Report): string {
  const { status } = reportCompleteness(report);
  if (status === 'complete') return 'Status: complete\n';
  const parts = report.notChecked.map((n) => `${n.scanner} NOT CHECKED (${n.reason}${n.fix === null ? '' : `; fix: ${n.fix}`})`);
  if (report.unknowns.length > 0) parts.push(`${report.unknowns.length} file(s) not read`);
  return `Status: INCOMPLETE — ${parts.join('; ')}\n`;
}

/** The table without its status footer (the vulnerability table adds its section before the footer). */
export function renderTableBody(report: Report): string {
  const out = [...header(report), ''];
  if (report.packages.length > 0) {
    const table = new Table({ head: ['NAME', 'VERSION', 'TYPE', 'LAYER', 'BUILD STEP'], style: { head: [], border: [], compact: true } });
    for (const pkg of report.packages) {
      const { layer, step } = layerOf(pkg, report);
      table.push([pkg.name, pkg.version, pkg.type, layer, step]);
    }
    out.push(table.toString());
  } else {
    out.push('No packages found.');
  }
  if (report.findings.length > 0) out.push('', `Findings: ${report.findings.length}`, findingsTable(report.findings));
  if (report.unknowns.length > 0) {
    out.push('', `Unreadable files (${report.unknowns.length}):`);
    for (const u of report.unknowns.slice(0, 20)) out.push(`  ${u.location.path}: ${u.reason}`);
    if (report.unknowns.length > 20) out.push(`  … and ${report.unknowns.length - 20} more (see --format json)`);
  }
  return `${out.join('\n')}\n`;
}

/** A human-readable summary: image facts, the OS and its EOL status, then packages with the layer and build step that added each; the status last. */
export const tableReporter: Reporter = {
  id: 'table',
  mediaType: 'text/plain',
  specVersions: ['1'],
  render: (report) => `${renderTableBody(report)}\n${completenessFooter(report)}`,
};

/** The support phase as people read it: regular support, an extended programme, or end of life. */
function supportText(eol: DistroSupport): string {
  switch (eol.phase) {
    case 'regular':
      return `supported until ${eol.phaseEnds ?? '?'}`;
    case 'extended':
      return `regular support ended ${eol.date ?? '?'}; ${eol.extendedName ?? 'extended support'} until ${eol.phaseEnds ?? '?'}`;
    case 'eol':
      return `END OF LIFE since ${eol.date ?? '?'}${eol.extendedName === null ? '' : ` (${eol.extendedName} ended too)`}`;
    case 'unknown':
      return 'support dates unknown';
  }
}
