import { createHash } from 'node:crypto';
import { severityRank } from '@sekisho/model';
import type { HardeningFinding, LayerInfo, Unknown } from '@sekisho/model';
import { location } from '../../../inventory/finalize.js';
import { imageCheck } from './catalog.js';
import { ageCheck, eolCheck, healthcheckCheck, historyChecks, historyUnjudged, portChecks, rootCheck } from './config-checks.js';
import { cacheChecks, deviceChecks, sensitiveFacts, sensitiveFileChecks, setidChecks, sudoCheck, worldWritableChecks } from './file-checks.js';
import { CHECKER_ID } from './types.js';
import type { CheckHit, ImageHardeningInput } from './types.js';

const DEFAULT_MAX_AGE_DAYS = 365;

/**
 * Image hardening (Dockle / CIS Docker Benchmark §4 level) over a scanned image: its config and
 * history from the report, and the final file state from the merged layers (special files kept
 * by the layer walker, facts kept by `sensitiveFilesAnalyzer` — run the scan with it, or the
 * file-content checks find nothing). Pure: the same input gives the same, sorted findings.
 */
export function evaluateImageHardening(input: ImageHardeningInput): HardeningFinding[] {
  const { report, merged, now } = input;
  const maxAgeDays = input.options?.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  const facts = sensitiveFacts(merged);
  const hits: CheckHit[] = [
    ...rootCheck(report, facts),
    ...setidChecks(merged),
    ...worldWritableChecks(merged),
    ...deviceChecks(merged),
    ...sensitiveFileChecks(facts),
    ...cacheChecks(facts),
    ...historyChecks(report),
    ...healthcheckCheck(report),
    ...portChecks(report, input.options?.appImage),
    ...sudoCheck(report, facts),
    ...eolCheck(report, now),
    ...ageCheck(report, now, maxAgeDays),
  ];
  const layers = report.image?.layers ?? [];
  // Ties keep the checks' own order (layers bottom-up, ports ascending), which reads better than ids.
  return hits
    .map((hit, order) => ({ finding: toFinding(hit, layers), order }))
    .sort((a, b) => compareFindings(a.finding, b.finding) || a.order - b.order)
    .map((x) => x.finding);
}

/**
 * What the image hardening checks could not judge, as unknowns (the report is then incomplete):
 * build steps longer than the history checks read, or whose script they could not locate.
 * Located at `config:layers[N].created_by` with the layer.
 */
export function imageHardeningUnknowns(input: Pick<ImageHardeningInput, 'report'>): Unknown[] {
  const layers = input.report.image?.layers ?? [];
  return historyUnjudged(input.report).map(({ layer, reason }) => ({
    location: location(`config:layers[${layer}].created_by`, layer, layers),
    foundBy: CHECKER_ID,
    reason,
  }));
}

function toFinding(hit: CheckHit, layers: readonly LayerInfo[]): HardeningFinding {
  const check = imageCheck(hit.check);
  const layer = hit.layer ?? null;
  const path = hit.path ?? null;
  const info = layer === null ? undefined : layers[layer];
  return {
    kind: 'hardening',
    id: createHash('sha256')
      .update(['hardening', check.id, path ?? '', layer === null ? '' : String(layer), hit.key ?? ''].join('\0'))
      .digest('hex')
      .slice(0, 16),
    ruleId: check.id,
    title: check.title,
    severity: hit.severity ?? check.severity,
    description: check.why,
    evidence: hit.evidence,
    location: path === null ? null : location(path, info === undefined ? null : layer, layers),
    createdBy: info?.createdBy ?? null,
    removedInLayer: null,
    foundBy: CHECKER_ID,
    fix: hit.fix ?? check.fix,
    references: check.references,
  };
}

function compareFindings(a: HardeningFinding, b: HardeningFinding): number {
  const pa = a.location?.path ?? '';
  const pb = b.location?.path ?? '';
  return severityRank(b.severity) - severityRank(a.severity) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) || (pa < pb ? -1 : pa > pb ? 1 : 0);
}
