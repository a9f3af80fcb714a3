import { reasonOf } from '../dockerfile/audit-dockerfile.js';
import { configTarget, runCheck, sortAuditResult, type ConfigAuditResult } from '../types.js';
import { parseDockerInspect, type InspectLimits, type ParsedInspect } from './parse-inspect.js';
import type { HostFacts } from '../isolation/profile.js';
import { dockerIsolationProfile } from './run-settings.js';
import { DOCKER_RUNTIME_RULES } from './runtime-rules.js';
import { toWorkloads, type IsolationAnalyzer, type WorkloadProfile } from './workloads.js';

export const DOCKER_INSPECT_CHECKER_ID = 'docker-inspect-checks';

export interface AuditDockerInspectOptions {
  readonly limits?: Partial<InspectLimits>;
  /** The isolation evaluation for each container (default: checks/isolation). */
  readonly analyze?: IsolationAnalyzer;
  /** What is known about the Docker host (kernel, runc, daemon userns-remap…). */
  readonly hostFacts?: HostFacts;
}

function target(path: string, index: number, name: string) {
  return configTarget(path, { document: index, kind: 'Container', name });
}

/** Each container's isolation profile. */
export function inspectWorkloadProfiles(path: string, parsed: ParsedInspect, hostFacts: HostFacts = {}): WorkloadProfile[] {
  return parsed.containers.map((c) => ({ target: target(path, c.index, c.name), fieldPath: `[${c.index}]`, profile: dockerIsolationProfile(c.settings, hostFacts) }));
}

/**
 * Audits `docker inspect` output of running containers. A file that is not inspect output becomes a
 * fileErrors entry; an array entry that is not a container becomes one too, and the rest is scanned.
 */
export function auditDockerInspect(path: string, content: string, options: AuditDockerInspectOptions = {}): ConfigAuditResult {
  let parsed: ParsedInspect;
  try {
    parsed = parseDockerInspect(content, options.limits);
  } catch (error) {
    return { findings: [], workloads: [], fileErrors: [{ file: path, reason: reasonOf(error) }] };
  }
  const findings = parsed.containers.flatMap((c) => DOCKER_RUNTIME_RULES.flatMap((check) => runCheck(check, c.settings, undefined, target(path, c.index, c.name), DOCKER_INSPECT_CHECKER_ID)));
  return sortAuditResult({
    findings,
    workloads: toWorkloads(inspectWorkloadProfiles(path, parsed, options.hostFacts), options.analyze),
    fileErrors: parsed.skipped.map((s) => ({ file: path, reason: `CONFIG_INVALID: entry [${s.index}] ${s.reason}` })),
  });
}
