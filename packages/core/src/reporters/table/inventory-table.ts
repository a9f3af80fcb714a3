import { reportCompleteness } from '@sekisho/model';
import type { DistroSupport, Finding, Package, Report } from '@sekisho/model';
import { lineChunks } from '../chunks.js';
import { decisionLines } from '../../policy/render-decision.js';
import type { Reporter } from '../types.js';
import { boxTableLines } from './box-table.js';
import { paintSeverityText } from './color.js';

/** How the table is laid out. */
export interface TableOptions {
  /** Every package in a table with its layer and build step (`--list-all-pkgs`); otherwise one line of counts. Default: true. */
  readonly listAllPkgs?: boolean;
  /** ANSI severity colours (RenderOptions.color). */
  readonly color?: boolean;
}

const STEP_WIDTH = 60;

function shortDigest(digest: string | null): string {
  return digest === null ? '' : digest.replace(/^sha256:/, '').slice(0, 12);
}

function oneLine(text: string, width: number): string {
  const clean = text
    .replace(/\s+/g, ' ')
    .replace(/^\/bin\/sh -c (#\(nop\) )?/, '')
    .trim();
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
    const where = f.location
      ? `${f.location.path}${f.location.layerIndex !== null ? ` (layer ${f.location.layerIndex})` : ''}${f.removedInLayer !== null ? ` removed in layer ${f.removedInLayer}` : ''}`
      : '';
    return [f.severity.toUpperCase(), f.kind, f.ruleId, where, f.title];
  });
}

/** The image facts: target, digest, platform, OS and its support phase, layers and user. */
export function headerLines(report: Report): string[] {
  return header(report);
}

/** The package list (one row per package, its layer and build step), or, without listAllPkgs, one line that says how to get it. */
export function* packageLines(report: Report, options: TableOptions = {}): Generator<string> {
  if (report.packages.length === 0) {
    yield 'No packages found.';
    return;
  }
  if (options.listAllPkgs === false) {
    const perType = new Map<string, number>();
    for (const pkg of report.packages) perType.set(pkg.type, (perType.get(pkg.type) ?? 0) + 1);
    const types = [...perType].map(([type, n]) => `${type} ${n}`).join(', ');
    yield `Packages: ${report.packages.length} (${types}); add --list-all-pkgs to list each with its layer and build step`;
    return;
  }
  const rows = report.packages.map((pkg): string[] => {
    const { layer, step } = layerOf(pkg, report);
    return [pkg.name, pkg.version, pkg.type, layer, step];
  });
  yield* boxTableLines(rows, { head: ['NAME', 'VERSION', 'TYPE', 'LAYER', 'BUILD STEP'] });
}

/** The findings table (secrets, hardening, …); nothing when there are none. Titles wrap, never cut. */
export function* findingLines(findings: readonly Finding[], options: TableOptions = {}): Generator<string> {
  if (findings.length === 0) return;
  yield `Findings: ${findings.length}`;
  const color = options.color === true;
  yield* boxTableLines(findingRows(findings), { head: FINDING_HEAD, widths: FINDING_WIDTHS, style: (column, text) => (column === 0 ? paintSeverityText(text, color) : text) });
}

/** Files that could not be read (the first 20). */
export function* unknownLines(report: Report): Generator<string> {
  if (report.unknowns.length === 0) return;
  yield `Unreadable files (${report.unknowns.length}):`;
  for (const u of report.unknowns.slice(0, 20)) yield `  ${u.location.path}: ${u.reason}`;
  if (report.unknowns.length > 20) yield `  … and ${report.unknowns.length - 20} more (see --format json)`;
}

/** The table's lines, one at a time: no line list or string the size of the report is built. */
export function* tableLines(report: Report, options: TableOptions = {}): Generator<string> {
  yield* header(report);
  yield '';
  yield* packageLines(report, options);
  if (report.findings.length > 0) {
    yield '';
    yield* findingLines(report.findings, options);
  }
  if (report.unknowns.length > 0) {
    yield '';
    yield* unknownLines(report);
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
  const { status, notes } = reportCompleteness(report);
  const noted = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
  if (status === 'complete') return `Status: complete${noted}`;
  const parts = report.notChecked.map((n) => `${n.scanner} NOT CHECKED (${n.reason}${n.fix === null ? '' : `; fix: ${n.fix}`})`);
  if (report.unknowns.length > 0) parts.push(`${report.unknowns.length} file(s) not read`);
  return `Status: INCOMPLETE — ${parts.join('; ')}${noted}`;
}

function* tableWithStatus(report: Report, color: boolean): Generator<string> {
  yield* tableLines(report, { color });
  yield '';
  yield completenessLine(report);
}

/** A human-readable summary: image facts, the OS and its EOL status, then packages with the layer and build step that added each; the status last. */
export const tableReporter: Reporter = {
  id: 'table',
  mediaType: 'text/plain',
  specVersions: ['1'],
  render: (report, options) => Array.from(lineChunks(tableWithStatus(report, options.color))).join(''),
  renderChunks: (report, options) => lineChunks(tableWithStatus(report, options.color)),
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
