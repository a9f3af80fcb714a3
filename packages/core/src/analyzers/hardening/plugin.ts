import type { AnalyzerPlugin } from '../plugin.js';
import { evaluateImageHardening, imageHardeningUnknowns } from './image/index.js';
import { sensitiveFilesAnalyzer } from './sensitive-files.js';

/** `--scanners hardening`: sensitive files while layers stream, then the merged-image checks. */
export const hardeningAnalyzerPlugin: AnalyzerPlugin<'hardening'> = {
  scanner: 'hardening',
  setup: (options) => {
    const maxAgeDays = options.maxAgeDays;
    return Promise.resolve({
      analyzers: [sensitiveFilesAnalyzer],
      postScan: [
        ({ report, merged }, now) => ({
          findings: evaluateImageHardening({ report, merged, now, ...(maxAgeDays === undefined ? {} : { options: { maxAgeDays } }) }),
          unknowns: imageHardeningUnknowns({ report }),
        }),
      ],
    });
  },
};
