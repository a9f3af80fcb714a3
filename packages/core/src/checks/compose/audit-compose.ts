import { reasonOf } from '../dockerfile/audit-dockerfile.js';
import { dockerIsolationProfile } from '../docker-inspect/run-settings.js';
import type { HostFacts } from '../isolation/profile.js';
import { DOCKER_RUNTIME_RULES } from '../docker-inspect/runtime-rules.js';
import { toWorkloads, type IsolationAnalyzer, type WorkloadProfile } from '../docker-inspect/workloads.js';
import { configTarget, runCheck, sortAuditResult, type ConfigAuditResult } from '../types.js';
import { parseCompose, type ComposeFile, type ParseComposeOptions } from './parse-compose.js';

export const COMPOSE_CHECKER_ID = 'compose-checks';

export interface AuditComposeOptions extends ParseComposeOptions {
  /** The isolation evaluation for each service (default: checks/isolation). */
  readonly analyze?: IsolationAnalyzer;
  /** What is known about the Docker host (kernel, runc, daemon userns-remap…). */
  readonly hostFacts?: HostFacts;
}

function target(path: string, service: string) {
  return configTarget(path, { document: 0, kind: 'ComposeService', name: service });
}

/** Each service's isolation profile, with Docker's defaults applied. */
export function composeWorkloadProfiles(path: string, file: ComposeFile, hostFacts: HostFacts = {}): WorkloadProfile[] {
  return file.services.map((s) => ({ target: target(path, s.name), fieldPath: s.settings.addAt.base, profile: dockerIsolationProfile(s.settings, hostFacts) }));
}

/** Parses a Compose file and runs the Docker runtime rules on every service; a bad file becomes a fileErrors entry. */
export function auditCompose(path: string, content: string, options: AuditComposeOptions = {}): ConfigAuditResult {
  let file: ComposeFile;
  try {
    file = parseCompose(content, options);
  } catch (error) {
    return { findings: [], workloads: [], fileErrors: [{ file: path, reason: reasonOf(error) }] };
  }
  const findings = file.services.flatMap((s) => DOCKER_RUNTIME_RULES.flatMap((check) => runCheck(check, s.settings, undefined, target(path, s.name), COMPOSE_CHECKER_ID)));
  return sortAuditResult({ findings, workloads: toWorkloads(composeWorkloadProfiles(path, file, options.hostFacts), options.analyze), fileErrors: [] });
}
