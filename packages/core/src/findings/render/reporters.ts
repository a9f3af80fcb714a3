import { cyclonedxChunks, toCycloneDx } from '../../reporters/cyclonedx-json/index.js';
import { junitReporter } from '../../reporters/junit/index.js';
import { reporters } from '../../reporters/registry.js';
import type { Report } from '@sekisho/model';
import { lineChunks } from '../../reporters/chunks.js';
import { completenessLine, findingLines, headerLines, packageLines, summaryLines, tableReporter, unknownLines } from '../../reporters/table/index.js';
import { licenseLines } from '../../reporters/table/licenses.js';
import { decisionLines } from '../../policy/render-decision.js';
import { templateReporter } from '../../reporters/template/index.js';
import type { Reporter } from '../../reporters/types.js';
import type { AttributionOptions } from '../attribution.js';
import { addCycloneDxVulnerabilities } from './cyclonedx.js';
import { vulnerabilityLines } from './vulnerability-table.js';

export interface ScanReporterOptions {
  /** Template text for `--format template`. */
  readonly template?: string | null;
  readonly attribution?: AttributionOptions;
  /** `--list-all-pkgs`: the table lists every package; otherwise it gives counts (as Trivy). */
  readonly listAllPkgs?: boolean;
  /** The table shows the licence section (`--scanners license`). */
  readonly licenses?: boolean;
}

/**
 * The scan table, in the order a reader needs it: image facts, a per-target summary (counts by
 * severity), vulnerabilities grouped by package with base-image attribution, the other findings,
 * the package list (only with listAllPkgs; a line of counts otherwise), unreadable files, and the
 * status line last.
 */
export function vulnerabilityTableReporter(attribution: AttributionOptions = {}, listAllPkgs = false, licenses = false): Reporter {
  function* lines(report: Report, color: boolean): Generator<string> {
    yield* headerLines(report);
    yield '';
    yield* summaryLines(report, color);
    yield '';
    yield* vulnerabilityLines(report, attribution, { color });
    const others = report.findings.filter((f) => f.kind !== 'vulnerability');
    if (others.length > 0) {
      yield '';
      yield* findingLines(others, { color });
    }
    yield '';
    yield* packageLines(report, { listAllPkgs });
    if (licenses) {
      yield '';
      yield* licenseLines(report);
    }
    if (report.unknowns.length > 0) {
      yield '';
      yield* unknownLines(report);
    }
    if (report.policy !== undefined) {
      yield '';
      yield* decisionLines(report.policy);
    }
    yield '';
    yield completenessLine(report);
  }
  return {
    ...tableReporter,
    render: (report, options) => Array.from(lineChunks(lines(report, options.color))).join(''),
    renderChunks: (report, options) => lineChunks(lines(report, options.color)),
  };
}

function cyclonedxVulnerabilityChunks(report: Report): Generator<string> {
  const bom = toCycloneDx(report);
  addCycloneDxVulnerabilities(bom, report);
  return cyclonedxChunks(bom);
}

/** CycloneDX 1.6 JSON with the `vulnerabilities` array. */
export const cyclonedxVulnerabilityReporter: Reporter = {
  id: 'cyclonedx-json',
  mediaType: 'application/vnd.cyclonedx+json',
  specVersions: ['1.6'],
  render: (report) => Array.from(cyclonedxVulnerabilityChunks(report)).join(''),
  renderChunks: (report) => cyclonedxVulnerabilityChunks(report),
};

/** Every output format of a vulnerability scan: the core reporters, with table and CycloneDX showing vulnerabilities, plus junit and template. */
export function scanReporters(options: ScanReporterOptions = {}): Reporter[] {
  const overrides = new Map<string, Reporter>([
    ['table', vulnerabilityTableReporter(options.attribution, options.listAllPkgs === true, options.licenses === true)],
    ['cyclonedx-json', cyclonedxVulnerabilityReporter],
  ]);
  const list = reporters.map((r) => overrides.get(r.id) ?? r);
  list.push(junitReporter);
  if (options.template != null) list.push(templateReporter(options.template));
  return list;
}

export const SCAN_FORMATS = ['table', 'json', 'sarif', 'cyclonedx-json', 'spdx-json', 'github', 'junit', 'template'] as const;

export function getScanReporter(id: string, options: ScanReporterOptions = {}): Reporter | undefined {
  return scanReporters(options).find((r) => r.id === id);
}
