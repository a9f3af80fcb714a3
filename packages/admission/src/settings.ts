import { parsePssVersion, resolveEnvironment, type AdmissionSettingsInput, type PolicyDocument, type PssLevel } from '@sekisho/core';

export type AdmissionMode = 'enforce' | 'warn' | 'audit';

/** The admission settings of one environment, inheritance applied and defaults filled (docs/admission.md). */
export interface AdmissionSettings {
  readonly mode: AdmissionMode;
  /** Null when the environment names no level: the namespace's own PSA labels apply when they are known. */
  readonly podSecurity: { readonly level: PssLevel | 'privileged'; readonly minor: number } | null;
  readonly requireDigest: boolean;
  readonly onMissingScan: 'allow' | 'warn' | 'deny';
  readonly onError: 'allow' | 'deny';
  readonly minIsolationScore: number | null;
  readonly exec: 'allow' | 'warn' | 'deny';
  readonly mutate: { readonly pinDigests: boolean; readonly seccompRuntimeDefault: boolean };
}

/**
 * Settings of an environment: each environment on its `extends` chain, root first, overrides the
 * fields it names (a `mutate` or `podSecurity` block replaces the inherited one as a whole).
 */
export function admissionSettings(policy: PolicyDocument, environment: string): AdmissionSettings {
  const { lineage } = resolveEnvironment(policy, environment);
  let merged: AdmissionSettingsInput = {};
  for (const name of lineage) merged = { ...merged, ...(policy.environments[name]?.admission ?? {}) };
  const pss = merged.podSecurity;
  return {
    mode: merged.mode ?? 'enforce',
    // the schema admits only versions parsePssVersion reads
    podSecurity: pss === undefined ? null : { level: pss.level, minor: parsePssVersion(pss.version) ?? 0 },
    requireDigest: merged.requireDigest ?? false,
    onMissingScan: merged.onMissingScan ?? 'warn',
    onError: merged.onError ?? 'deny',
    minIsolationScore: merged.minIsolationScore ?? null,
    exec: merged.exec ?? 'allow',
    mutate: { pinDigests: merged.mutate?.pinDigests ?? false, seccompRuntimeDefault: merged.mutate?.seccompRuntimeDefault ?? false },
  };
}
