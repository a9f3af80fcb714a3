import type { EntryHeader } from '../../layers/entry.js';
import type { LayerAnalyzer } from '../types.js';

/** Files that identify the operating system; their content is kept as facts for image-level detection. */
export const OS_RELEASE_PATHS = [
  '/etc/os-release',
  '/usr/lib/os-release',
  '/etc/debian_version',
  '/etc/alpine-release',
  '/etc/redhat-release',
  '/etc/system-release',
  '/etc/lsb-release',
] as const;

const PATHS = new Set<string>(OS_RELEASE_PATHS);
const MAX = 64 * 1024;

export const osReleaseAnalyzer: LayerAnalyzer = {
  id: 'os-release-analyzer',
  version: 1,
  maxBodySize: MAX,
  selects: (entry: EntryHeader) => entry.kind === 'file' && PATHS.has(entry.path),
  wantsBody: () => true,
  analyze(entry, body) {
    if (body === null) return { findings: [], facts: [] };
    return { findings: [], facts: [{ analyzer: 'os-release-analyzer', path: entry.path, value: body.toString('utf8') }] };
  },
};
