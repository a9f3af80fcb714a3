import { reportCompleteness } from '@sekisho/model';
import type { DistroSupport, Finding, Package, Report } from '@sekisho/model';
import { lineChunks } from '../chunks.js';
import { decisionLines } from '../../policy/render-decision.js';
import type { Reporter } from '../types.js';
import { boxTableLines } from './box-table.js';

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

const FINDING_HEAD = ['SEVERITY', 'KIND', 'RULE', 'WHERE', 'TITLE'];
const FINDING_WIDTHS = [10, 16, 24, 40, 50];

function findingRows(findings: readonly Finding[]): string[][] {
  return findings.map((f) => {
    const where = f.location ? `${f.location.path}${f.location.layerIndex !== null ? ` (layer ${f.location.layerIndex})` : ''}${f.removedInLayer !== null ? ` removed in layer ${f.removedInLayer}` : ''}` : '';
    return [f.severity.toUpperCase(), f.kind, f.ruleId, where, f.title];
  });
}

/** The table's lines, one at a time: no line list or string the size of the report is built. */
export function* tableLines(report: Report): Generator<string> {
  yield* header(report);
  yield '';
  if (report.packages.length > 0) {
    const rows = report.packages.map((pkg): string[] => {
      const { layer, step } = layerOf(pkg, report);
      return [pkg.name, pkg.version, pkg.type, layer, step];
    });
    yield* boxTableLines(rows, { head: ['NAME', 'VERSION', 'TYPE', 'LAYER', 'BUILD STEP'] });
  } else {
    yield 'No packages found.';
  }
  if (report.findings.length > 0) {
    yield '';
    yield `Findings: ${report.findings.length}`;
    yield* boxTableLines(findingRows(report.findings), { head: FINDING_HEAD, widths: FINDING_WIDTHS });
  }
  if (report.unknowns.length > 0) {
    yield '';
    yield `Unreadable files (${report.unknowns.length}):`;
    for (const u of report.unknowns.slice(0, 20)) yield `  ${u.location.path}: ${u.reason}`;
    if (report.unknowns.length > 20) yield `  … and ${report.unknowns.length - 20} more (see --format json)`;
  }
  if (report.policy !== undefined) {
    yield '';
    yield* decisionLines(report.policy);
  }
}

/**
 * The last line of every table: `Status: complete`, or `Status: INCOMPLETE — …` naming what was
 * not checked and how to fix it, so a reader never takes a partial scan for a clean one.
 */
export function completenessLine(report: Report): string {
  const { status } = reportCompleteness(report);
  if (status === 'complete') return 'Status: complete';
  const parts = report.notChecked.map((n) => `${n.scanner} NOT CHECKED (${n.reason}${n.fix === null ? '' : `; fix: ${n.fix}`})`);
  if (report.unknowns.length > 0) parts.push(`${report.unknowns.length} file(s) not read`);
  return `Status: INCOMPLETE — ${parts.join('; ')}`;
}

function* tableWithStatus(report: Report): Generator<string> {
  yield* tableLines(report);
  yield '';
  yield completenessLine(report);
}

/** A human-readable summary: image facts, the OS and its EOL status, then packages with the layer and build step that added each; the status last. */
export const tableReporter: Reporter = {
  id: 'table',
  mediaType: 'text/plain',
  specVersions: ['1'],
  render: (report) => Array.from(lineChunks(tableWithStatus(report))).join(''),
  renderChunks: (report) => lineChunks(tableWithStatus(report)),
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
