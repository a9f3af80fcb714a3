import { LAYER_RESULT_SCHEMA } from '../overlay/layer-result.js';
import type { LayerResult } from '../overlay/layer-result.js';

/** An empty layer result with the given parts: for tests of the applier and what reads merged layers. */
export function layerResult(parts: Partial<LayerResult>): LayerResult {
  return {
    schema: LAYER_RESULT_SCHEMA,
    entries: 0,
    bytes: 0,
    whiteouts: [],
    opaqueDirs: [],
    symlinks: [],
    paths: [],
    dirPaths: [],
    packages: [],
    relationships: [],
    ownership: [],
    unknowns: [],
    findings: [],
    facts: [],
    specialFiles: [],
    ...parts,
  };
}
