import { hardeningAnalyzerPlugin } from './hardening/index.js';
import { malwareAnalyzerPlugin } from './malware/index.js';
import { osReleaseAnalyzerPlugin } from './os-release/index.js';
import { secretsAnalyzerPlugin } from './secrets/index.js';
import type { AnalyzerPlugin } from './plugin.js';

/**
 * Every analyzer, explicitly (no side-effect registration): the always-on ones first, then those
 * `--scanners` switches on, in the order their names are listed (and their cache-key options
 * written). An analyzer is a folder under analyzers/ and one line here (docs/dev/adding-an-analyzer.md).
 */
export const analyzerPlugins = [osReleaseAnalyzerPlugin, secretsAnalyzerPlugin, malwareAnalyzerPlugin, hardeningAnalyzerPlugin] as const satisfies readonly AnalyzerPlugin[];

/** The `--scanners` names of the analyzers that can be switched on. */
export type AnalyzerScanner = NonNullable<(typeof analyzerPlugins)[number]['scanner']>;

export const ANALYZER_SCANNERS: readonly AnalyzerScanner[] = analyzerPlugins.flatMap((p) => (p.scanner === null ? [] : [p.scanner]));

/** The analyzers that always run (cheap, needed for the inventory). */
export const baseAnalyzerPlugins: readonly AnalyzerPlugin[] = analyzerPlugins.filter((p) => p.scanner === null);
