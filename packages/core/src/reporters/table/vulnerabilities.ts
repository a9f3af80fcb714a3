import type { Finding, Report, VulnerabilityFinding } from '@sekisho/model';
import { SEVERITIES, severityRank } from '@sekisho/model';
import type { AttributionOptions } from '../../findings/attribution.js';
import { attributeLayers, layerOrigin } from '../../findings/attribution.js';
import { wrapText } from './box-table.js';
import { paintSeverity } from './color.js';

const MAX_STEP = 60;
/** Lines fit this many columns: titles wrap under the TITLE column instead of being cut. */
export const TABLE_COLUMNS = 160;
/** Where TITLE starts: indent 2, PRIO 5, SEVERITY 11, ID 21, STATUS 12, FIXED IN 21. */
const TITLE_COLUMN = 2 + 5 + 11 + 21 + 12 + 21;

export interface VulnerabilityLineOptions {
  /** ANSI severity colours. */
  readonly color?: boolean;
}

function isVulnerability(f: Finding): f is VulnerabilityFinding {
  return f.kind === 'vulnerability';
}

function oneLine(text: string, width: number): string {
  const clean = text
    .replace(/\s+/g, ' ')
    .replace(/^\/bin\/sh -c (#\(nop\) )?/, '')
    .trim();
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean;
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width + 1);
}

/**
 * The vulnerabilities of a report as text, grouped by package (most urgent package first), each
 * package with the layer and build step that added it and whether that layer is the base
 * image's or the image's own (see attribution.ts).
 */
export function renderVulnerabilitySection(report: Report, options: AttributionOptions = {}): string {
  return `${Array.from(vulnerabilityLines(report, options)).join('\n')}\n`;
}

/** The lines of renderVulnerabilitySection, one at a time (linear in the findings; no spread of large arrays). */
export function* vulnerabilityLines(report: Report, options: AttributionOptions = {}, display: VulnerabilityLineOptions = {}): Generator<string> {
  const color = display.color === true;
  const vulns = report.findings.filter(isVulnerability);
  const notChecked = report.notChecked.find((n) => n.scanner === 'vuln');
  if (vulns.length === 0 && notChecked !== undefined) {
    yield `Vulnerabilities: NOT CHECKED — ${notChecked.reason}${notChecked.fix === null ? '' : `; run \`${notChecked.fix}\``}`;
    return;
  }
  if (vulns.length === 0) {
    yield 'Vulnerabilities: none found';
    return;
  }
  const attribution = attributeLayers(report, options);
  const perSeverity = new Map<string, number>();
  for (const v of vulns) perSeverity.set(v.severity, (perSeverity.get(v.severity) ?? 0) + 1);
  const counts = SEVERITIES.map((s) => [s, perSeverity.get(s) ?? 0] as const).filter(([, n]) => n > 0);
  yield `Vulnerabilities: ${vulns.length} (${counts.map(([s, n]) => `${s} ${n}`).join(', ')})`;
  if (attribution.baseLayerCount !== null) {
    let base = 0;
    for (const v of vulns) if (layerOrigin(v.location?.layerIndex, attribution) === 'base') base++;
    yield `  from the base image: ${base}, from own layers: ${vulns.length - base}   (base = first ${attribution.baseLayerCount} layer(s), by ${attribution.method})`;
  }
  const groups = new Map<string, VulnerabilityFinding[]>();
  for (const v of vulns) {
    const list = groups.get(v.packageId);
    if (list === undefined) groups.set(v.packageId, [v]);
    else list.push(v);
  }
  const urgency = new Map<readonly VulnerabilityFinding[], number>();
  for (const list of groups.values()) {
    let max = -Infinity;
    for (const v of list) max = Math.max(max, v.priority?.score ?? severityRank(v.severity));
    urgency.set(list, max);
  }
  const ordered = [...groups.values()].sort((a, b) => urgency.get(b)! - urgency.get(a)! || (a[0]!.packageName < b[0]!.packageName ? -1 : 1));
  for (const list of ordered) {
    const first = list[0]!;
    const layerIndex = first.location?.layerIndex ?? null;
    const layer = layerIndex === null ? null : report.image?.layers[layerIndex];
    const origin = layerOrigin(layerIndex, attribution);
    const where = layerIndex === null ? '' : `  layer ${layerIndex}${origin === null ? '' : ` [${origin === 'base' ? 'base image' : 'own layer'}]`}`;
    const owner = first.osOwner ? `  (files of OS package ${first.osOwner.packageName})` : '';
    yield '';
    yield `${first.packageName} ${first.installedVersion} (${first.packageType ?? '?'})${where}${owner}`;
    const step = first.createdBy ?? layer?.createdBy ?? null;
    if (step) yield `  added by: ${oneLine(step, MAX_STEP)}`;
    const sorted = [...list].sort(
      (a, b) => (b.priority?.score ?? 0) - (a.priority?.score ?? 0) || severityRank(b.severity) - severityRank(a.severity) || (a.vulnerabilityId < b.vulnerabilityId ? -1 : 1),
    );
    yield `  ${pad('PRIO', 4)}${pad('SEVERITY', 10)}${pad('ID', 20)}${pad('STATUS', 11)}${pad('FIXED IN', 20)}TITLE`;
    for (const v of sorted) {
      const exploit = v.kev ? ' [KEV]' : '';
      const title = wrapText(`${v.title.replace(/\s+/g, ' ').trim()}${exploit}`, TABLE_COLUMNS - TITLE_COLUMN);
      const severity = paintSeverity(v.severity, v.severity.toUpperCase(), color);
      const severityCell = `${severity}${' '.repeat(Math.max(1, 11 - v.severity.length))}`;
      yield `  ${pad((v.priority?.level ?? '').toUpperCase(), 4)}${severityCell}${pad(v.vulnerabilityId, 20)}${pad(v.status, 11)}${pad(v.fixedVersions[0] ?? '', 20)}${title[0] ?? ''}`;
      for (const more of title.slice(1)) yield `${' '.repeat(TITLE_COLUMN)}${more}`;
    }
  }
}
