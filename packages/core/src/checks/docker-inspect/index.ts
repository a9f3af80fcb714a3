export { auditDockerInspect, DOCKER_INSPECT_CHECKER_ID, inspectWorkloadProfiles, type AuditDockerInspectOptions } from './audit-docker-inspect.js';
export { detectDockerInspect } from './detect.js';
export { DEFAULT_INSPECT_LIMITS, parseDockerInspect, type InspectedContainer, type InspectLimits, type ParsedInspect } from './parse-inspect.js';
export { dockerIsolationProfile, parseSecurityOptions, sandboxKind, type BindMount, type DockerRunSettings, type Located, type PublishedPort } from './run-settings.js';
export { DOCKER_RUNTIME_RULES, type DockerRuntimeCheck } from './runtime-rules.js';
export { defaultIsolationAnalyzer, toWorkloads, type IsolationAnalyzer, type WorkloadProfile } from './workloads.js';
