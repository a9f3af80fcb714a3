import type { FeedImporter } from '../types.js';
import { lines } from '../util/lines.js';

/**
 * FIRST EPSS scores (https://www.first.org/epss/data_stats; `epss_scores-YYYY-MM-DD.csv.gz`):
 * a comment line `#model_version:…,score_date:…`, the header `cve,epss,percentile`, then one
 * row per CVE. Streamed line by line.
 */
export const SOURCE_ID = 'epss';

export const epssImporter: FeedImporter = {
  id: SOURCE_ID,
  version: 1,
  detect(file) {
    return /\.csv(\.gz)?$/i.test(file.relative) && /^(#[^\n]*\n)?\s*cve,epss,percentile\s*$/m.test(file.head);
  },
  async *parse(file, context) {
    let lineNo = 0;
    for await (const line of lines(file.chunks(), 4096)) {
      lineNo++;
      if (line.startsWith('#') || line.trim() === '' || line.startsWith('cve,')) continue;
      const [cve, epss, percentile] = line.split(',');
      const score = Number(epss);
      const pct = Number(percentile);
      if (cve === undefined || !/^CVE-\d{4}-\d{4,}$/.test(cve) || !Number.isFinite(score) || !Number.isFinite(pct) || score < 0 || score > 1 || pct < 0 || pct > 1) {
        context.skip(SOURCE_ID, `${file.relative}:${lineNo}`, 'not a cve,epss,percentile row');
        continue;
      }
      yield { kind: 'cve', source: SOURCE_ID, facts: { cve, epss: { score, percentile: pct } } };
    }
  },
};
