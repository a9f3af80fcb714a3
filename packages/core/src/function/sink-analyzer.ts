/**
 * The shell/eval sink search as a layer analyzer, so `sekisho function` finds sinks in the same
 * single pass that catalogs packages and secrets (it used to read the package a second time).
 * Each application source file with sinks becomes a fact holding them; a later version of the
 * file replaces the fact and a removed file takes it along (overlay semantics). A file over the
 * size limit is an unknown: the search is then incomplete, never silently partial.
 */
import type { PathFact } from '../layers/layer-analyzer.js';
import type { LayerAnalyzer } from '../layers/layer-analyzer.js';
import { findCodeSinks, isApplicationCode } from './code-sinks.js';
import type { CodeSink } from './code-sinks.js';

/** Source files larger than this are not searched (minified bundles are the usual case), and say so. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
export const CODE_SINKS_ANALYZER = 'function-code-sinks';

export const codeSinkAnalyzer: LayerAnalyzer = {
  id: CODE_SINKS_ANALYZER,
  version: 1,
  maxBodySize: MAX_SOURCE_BYTES,
  selects: (entry) => entry.kind === 'file' && isApplicationCode(entry.path),
  wantsBody: () => true,
  analyze(entry, body, truncated) {
    if (truncated) return { findings: [], facts: [], unknowns: [{ path: entry.path, reason: `larger than ${MAX_SOURCE_BYTES} bytes: not searched for shell/eval sinks` }] };
    if (body === null) return { findings: [], facts: [] };
    const sinks = findCodeSinks(entry.path, body.toString('utf8'));
    return { findings: [], facts: sinks.length === 0 ? [] : [{ analyzer: CODE_SINKS_ANALYZER, path: entry.path, value: JSON.stringify(sinks) }] };
  },
};

/** The sinks of the files in the final package, from the merged facts of a scan. */
export function sinksFromFacts(facts: readonly PathFact[]): CodeSink[] {
  return facts.filter((f) => f.analyzer === CODE_SINKS_ANALYZER).flatMap((f) => JSON.parse(f.value) as CodeSink[]);
}
