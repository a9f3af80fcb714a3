import type { EntryHeader } from '../../layers/entry.js';
import type { AnalyzerPlugin } from '../plugin.js';
import type { LayerAnalyzer } from '../../layers/layer-analyzer.js';

/** Files that identify the operating system; their content is kept as facts for image-level detection. */
export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release', '/etc/debian_version', '/etc/alpine-release', '/etc/redhat-release', '/etc/system-release', '/etc/lsb-release'] as const;

const PATHS = new Set<string>(OS_RELEASE_PATHS);
/**
 * Bytes read of each file (honest ones are a few hundred). A longer file is read in part and
 * says so with an unknown: fields after the cut (`ID=` padded past it) would otherwise hide the
 * distribution, and with it every OS package's vulnerabilities, silently.
 */
export const MAX_OS_RELEASE_BYTES = 64 * 1024;
const MAX = MAX_OS_RELEASE_BYTES;

export const osReleaseAnalyzer: LayerAnalyzer = {
  id: 'os-release-analyzer',
  version: 2,
  maxBodySize: MAX,
  selects: (entry: EntryHeader) => entry.kind === 'file' && PATHS.has(entry.path),
  wantsBody: () => true,
  analyze(entry, body, truncated) {
    if (body === null) return { findings: [], facts: [] };
    const facts = [{ analyzer: 'os-release-analyzer', path: entry.path, value: body.toString('utf8') }];
    if (!truncated && body.length >= entry.size) return { findings: [], facts };
    return {
      findings: [],
      facts,
      unknowns: [{ path: entry.path, reason: `file of ${entry.size} bytes: only the first ${body.length} were read; fields after them (the distribution's ID and version) were not seen` }],
    };
  },
};

/** Always on: the distribution decides which advisories apply to every OS package. */
export const osReleaseAnalyzerPlugin: AnalyzerPlugin<null> = { scanner: null, setup: () => Promise.resolve({ analyzers: [osReleaseAnalyzer] }) };
