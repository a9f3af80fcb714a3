import { readFile } from 'node:fs/promises';
import type { Finding, Report } from '@sekisho/model';
import { SekishoError } from '../errors.js';
import { normalizeId } from './aliases.js';
import { purlIdentity } from '../sbom-input/purl-match.js';

const MAX_BASELINE_BYTES = 512 * 1024 * 1024;

/**
 * Keys under which a finding is "the same" across scans: for vulnerabilities every id and alias
 * with the package's identity without its version (an upgrade that still carries the CVE is not
 * new); for other findings the rule and the path.
 */
export function findingKeys(f: Finding): string[] {
  if (f.kind === 'vulnerability') {
    const pkg = (f.purl !== undefined ? purlIdentity(f.purl) : null) ?? `${f.packageType ?? ''}/${f.packageName}`;
    return [f.vulnerabilityId, ...f.aliases].map((id) => `vuln|${normalizeId(id)}|${pkg}`);
  }
  return [`${f.kind}|${f.ruleId}|${f.location?.path ?? ''}`];
}

export function baselineKeys(baseline: Pick<Report, 'findings'>): Set<string> {
  const keys = new Set<string>();
  for (const f of baseline.findings) for (const k of findingKeys(f)) keys.add(k);
  return keys;
}

export function isInBaseline(f: Finding, keys: ReadonlySet<string>): boolean {
  return findingKeys(f).some((k) => keys.has(k));
}

/** Read a Sekisho JSON report as a baseline (only its findings are used). */
export async function loadBaselineReport(file: string): Promise<Pick<Report, 'findings'>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', `cannot read baseline: ${error instanceof Error ? error.message : String(error)}`, { where: { file }, cause: error });
  }
  if (text.length > MAX_BASELINE_BYTES) throw new SekishoError('LIMIT_JSON_SIZE', 'baseline report too large', { where: { file } });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SekishoError('CONFIG_INVALID', 'baseline is not valid JSON', { where: { file }, cause: error });
  }
  const findings = (data as { findings?: unknown } | null)?.findings;
  if (typeof data !== 'object' || data === null || (data as { schema?: unknown }).schema !== 'sekisho.report/v1' || !Array.isArray(findings)) {
    throw new SekishoError('CONFIG_INVALID', 'baseline is not a Sekisho JSON report (sekisho.report/v1, from --format json)', { where: { file } });
  }
  const valid = findings.filter(
    (f): f is Finding =>
      typeof f === 'object' &&
      f !== null &&
      typeof (f as Finding).kind === 'string' &&
      typeof (f as Finding).ruleId === 'string' &&
      (f.kind !== 'vulnerability' || (typeof f.vulnerabilityId === 'string' && Array.isArray(f.aliases) && typeof f.packageName === 'string')),
  );
  return { findings: valid };
}
