/**
 * Vulnerability findings: matching a report against an advisory store, enrichment (CVSS, EPSS,
 * KEV, priority), and triage inputs (VEX, exceptions with expiry, baseline).
 */
export { matchVulnerabilities, osOwners, contextFromLabels } from './match-report.js';
export type { MatchOptions, MatchStats, VulnerabilityMatchResult } from './match-report.js';
export { applyPolicyInputs, exceptionApplies, latestStatement, refersToImage, statementApplies } from './policy.js';
export type { PolicyInputs, PolicyResult, Suppression } from './policy.js';
export { IGNORE_FILE_NAME, VEX_JUSTIFICATIONS, isExpired, loadIgnoreFile, parseIgnoreFile } from './exceptions.js';
export type { IgnoreRule } from './exceptions.js';
export { baselineKeys, findingKeys, isInBaseline, loadBaselineReport } from './baseline.js';
export { loadVexFile, parseVex, VEX_LIMITS } from './vex/index.js';
export type { VexDocument, VexFormat, VexParseResult, VexProduct, VexStatement, VexStatus } from './vex/index.js';
export { toOpenVex, OPENVEX_CONTEXT } from './write-openvex.js';
export type { OpenVexOptions } from './write-openvex.js';
export { computePriority, CONTEXT_LABEL, PRIORITY_THRESHOLDS } from './priority.js';
export type { DeploymentContext, PriorityInput } from './priority.js';
export { cvssBaseScore, cvssScores, severityFromScore } from './cvss.js';
export { chooseSeverity, preferredCvss, severityFromWord } from './severity.js';
export { AliasGroups, preferredId } from './aliases.js';
export { purlMatches } from './purl-match.js';
export { attributeLayers, layerOrigin } from './attribution.js';
export type { AttributionOptions, HistoryEntry, LayerAttribution } from './attribution.js';
export { reportFromSbom, SBOM_INPUT_LIMITS } from './sbom-input.js';
export type { SbomInput, SbomInputLimits } from './sbom-input.js';
export { createRedactor, isSensitiveKey, NO_REDACTION } from './redaction.js';
export type { Redactor } from './redaction.js';
export { gateDecision, VULN_SCANNER } from './gate.js';
export type { GateDecision, GateInput, GateOptions } from './gate.js';
