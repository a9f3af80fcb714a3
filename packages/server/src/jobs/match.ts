/**
 * Vulnerability matching of a report against the current advisory database: core's matchers,
 * as the CLI's `image` command runs them, without the CLI's triage inputs (exceptions live in the
 * store and apply at policy time). No database: the report says vulnerabilities were not checked.
 */
import { VULN_SCANNER, matchVulnerabilities, withScannersRan } from '@sekisho/core';
import type { AdvisoryStore } from '@sekisho/core';
import type { Finding, Package, Report, Unknown } from '@sekisho/model';

export function matchReport(report: Report, store: AdvisoryStore | null, dbPath: string): Report {
  const others: Finding[] = report.findings.filter((f) => f.kind !== 'vulnerability');
  if (store === null) {
    const notChecked = { scanner: VULN_SCANNER, reason: `no advisory database at ${dbPath}`, fix: 'sekisho db update' };
    return {
      ...report,
      findings: others,
      scanners: (report.scanners ?? []).filter((s) => s !== VULN_SCANNER),
      notChecked: [...report.notChecked.filter((n) => n.scanner !== VULN_SCANNER), notChecked],
    };
  }
  const result = matchVulnerabilities(report, store, {});
  const byId = new Map(report.packages.map((p) => [p.id, p]));
  const unknowns = result.unknowns.map((u) => unknownOf(u, byId));
  return withScannersRan({ ...report, findings: [...others, ...result.findings], unknowns: [...report.unknowns, ...unknowns] }, [VULN_SCANNER]);
}

function unknownOf(u: { packageId: string; packageName: string; version: string; matcher: string; reason: string }, byId: ReadonlyMap<string, Package>): Unknown {
  const location = byId.get(u.packageId)?.locations[0] ?? { path: `package:${u.packageName}@${u.version}`, layerDigest: null, diffId: null, layerIndex: null };
  return { location, foundBy: u.matcher, reason: u.reason };
}
