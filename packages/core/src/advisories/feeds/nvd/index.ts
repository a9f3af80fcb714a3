import type { SeverityVector } from '../../types.js';
import { errorMessage, type FeedImporter } from '../types.js';
import { jsonMembers } from '../util/json-members.js';

/**
 * NVD CVE JSON 2.0 (yearly feeds `nvdcve-2.0-YYYY.json(.gz)` and API 2.0 responses):
 * `{ format: "NVD_CVE", version: "2.0", vulnerabilities: [{ cve: { id, metrics: { cvssMetricV40,
 * cvssMetricV31, cvssMetricV30, cvssMetricV2: [{ source, type, cvssData: { vectorString } }] } } }] }`.
 * Only CVSS vectors are kept, as CVE facts (scores are computed from the vectors when matching).
 * Read one vulnerability at a time.
 */
export const SOURCE_ID = 'nvd';
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const METRICS: readonly [string, SeverityVector['type']][] = [
  ['cvssMetricV40', 'CVSS_V4'],
  ['cvssMetricV31', 'CVSS_V3'],
  ['cvssMetricV30', 'CVSS_V3'],
  ['cvssMetricV2', 'CVSS_V2'],
];

export function nvdVectors(cve: Json): SeverityVector[] {
  const metrics = cve['metrics'];
  const out: SeverityVector[] = [];
  if (!isObject(metrics)) return out;
  for (const [key, type] of METRICS) {
    const list = metrics[key];
    if (!Array.isArray(list)) continue;
    for (const metric of list) {
      if (!isObject(metric) || !isObject(metric['cvssData'])) continue;
      const vector = metric['cvssData']['vectorString'];
      if (typeof vector !== 'string') continue;
      const source = metric['source'] === 'nvd@nist.gov' || typeof metric['source'] !== 'string' ? 'nvd' : metric['source'];
      // NVD's own (Primary) vector first; CNA (Secondary) vectors after it.
      if (metric['type'] === 'Primary') out.unshift({ source, type, score: vector });
      else out.push({ source, type, score: vector });
    }
  }
  return out;
}

export const nvdImporter: FeedImporter = {
  id: SOURCE_ID,
  version: 1,
  detect(file) {
    return /\.json(\.gz)?$/i.test(file.relative) && /"format"\s*:\s*"NVD_CVE"/.test(file.head);
  },
  async *parse(file, context) {
    let index = 0;
    for await (const member of jsonMembers(file.chunks(), ['vulnerabilities'], { maxMemberChars: MAX_RECORD_CHARS })) {
      index++;
      try {
        const item = JSON.parse(member.text) as unknown;
        const cve = isObject(item) ? item['cve'] : undefined;
        const id = isObject(cve) ? cve['id'] : undefined;
        if (!isObject(cve) || typeof id !== 'string' || !id.startsWith('CVE-')) throw new Error('no cve.id');
        yield { kind: 'cve', source: SOURCE_ID, facts: { cve: id, nvd: nvdVectors(cve) } };
      } catch (error) {
        context.skip(SOURCE_ID, `${file.relative}: vulnerabilities[${index - 1}]`, errorMessage(error));
      }
    }
  },
};
