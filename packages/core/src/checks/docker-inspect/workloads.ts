import type { ConfigTarget } from '@sekisho/model';
import { isolationScore, layerMatrix, openPaths } from '../isolation/evaluate.js';
import type { IsolationProfile, LayerMatrix, OpenPath } from '../isolation/profile.js';
import type { WorkloadIsolation } from '../types.js';

/** The isolation evaluation (layer matrix, breakout catalog, score) applied to a profile. */
export type IsolationAnalyzer = (profile: IsolationProfile) => {
  readonly layers: LayerMatrix;
  readonly openPaths: readonly OpenPath[];
  readonly score: number;
};

/** The isolation analysis of checks/isolation: layer matrix, open breakout paths and score. */
export const defaultIsolationAnalyzer: IsolationAnalyzer = (profile) => {
  const layers = layerMatrix(profile);
  const paths = openPaths(profile);
  return { layers, openPaths: paths, score: isolationScore(layers, paths) };
};

/** A workload before evaluation: where it is, and its profile. */
export interface WorkloadProfile {
  readonly target: ConfigTarget;
  readonly fieldPath: string | null;
  readonly profile: IsolationProfile;
}

export function toWorkloads(profiles: readonly WorkloadProfile[], analyze: IsolationAnalyzer = defaultIsolationAnalyzer): WorkloadIsolation[] {
  return profiles.map((w) => ({ ...w, ...analyze(w.profile) }));
}
