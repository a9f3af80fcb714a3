import { osReleaseAnalyzer } from './os-release/index.js';
import type { LayerAnalyzer } from './types.js';

/** Analyzers that always run (cheap, needed for the inventory). */
export const baseAnalyzers: readonly LayerAnalyzer[] = [osReleaseAnalyzer];
