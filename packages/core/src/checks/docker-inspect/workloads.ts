import type { ConfigTarget } from '@sekisho/model';
import type { IsolationProfile, LayerMatrix, OpenPath } from '../isolation/profile.js';
import type { WorkloadIsolation } from '../types.js';

/** The isolation evaluation (layer matrix, breakout catalog, score) applied to a profile. */
export type IsolationAnalyzer = (profile: IsolationProfile) => {
  readonly layers: LayerMatrix;
  readonly openPaths: readonly OpenPath[];
  readonly score: number;
};

/** A workload before evaluation: where it is, and its profile. */
export interface WorkloadProfile {
  readonly target: ConfigTarget;
  readonly fieldPath: string | null;
  readonly profile: IsolationProfile;
}

export function toWorkloads(profiles: readonly WorkloadProfile[], analyze: IsolationAnalyzer | undefined): WorkloadIsolation[] {
  if (analyze === undefined) return [];
  return profiles.map((w) => ({ ...w, ...analyze(w.profile) }));
}
