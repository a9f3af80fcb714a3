/**
 * The public API of @sekisho/core: what the CLI, the server, the runtime and users may import
 * (docs/api.md says what each group is for). Everything else is internal and may change without
 * notice. Explicit on purpose: a new export is a decision, written into docs/api.md.
 */

// Errors and exit codes
export { EXIT_CODES, SekishoError, exitCodeFor, isSekishoError } from './errors.js';
export type { SekishoErrorCode } from './errors.js';
export { TOOL_VERSION } from './version.js';

// Scanning an image or a directory
export { DEFAULT_LIMITS, scanImage } from './scan/scan-image.js';
export type { ImageScan, ScanLimits, ScanOptions, ScanProgress } from './scan/scan-image.js';
export { SCANNERS, parseScanners, setupScanners, sortFindings, withPostScanFindings, withScannersRan } from './scan/scanners.js';
export type { Scanner, ScannerSetup } from './scan/scanners.js';
export { DEFAULT_SCAN_TIMEOUT_MS, scanDeadline } from './util/deadline.js';
export { removeTempDirsSync } from './util/temp-dirs.js';
export { allowRuntimeGc } from './util/buffer-reaper.js';
export { deferOptimizingTiers } from './util/optimizing-tiers.js';
export { openImage } from './source/registry.js';
export { parseReference } from './source/reference.js';
export type { ImageHandle, LayerRef } from './source/types.js';
export { combineSkips, skipGlobs } from './source/rootfs/path-skip.js';
export type { PathSkip, SkipGlobs } from './source/rootfs/path-skip.js';
export { RegistryClient } from './source/registry/client.js';
export type { RegistryOptions } from './source/registry/options.js';
export { parseImageReference, parseRegistryTarget } from './source/registry/reference.js';
export { detectDistro, parseOsRelease } from './inventory/detect-distro.js';

// Plugins: catalogers, analyzers, reporters (docs/dev/adding-a-cataloger.md, adding-an-analyzer.md, adding-a-reporter.md)
export { catalogers } from './catalogers/registry.js';
export type { CatalogFile, CatalogOutput, CatalogedPackage, Cataloger } from './catalogers/types.js';
export { analyzerPlugins } from './analyzers/registry.js';
export type { AnalyzerPlugin, ImageConfigAnalyzer, ImageConfigStrings, PostScanCheck, PostScanResult, ScannerOptions } from './analyzers/plugin.js';
export type { LayerAnalyzer } from './layers/layer-analyzer.js';
export { SCAN_FORMATS, createReporter, getReporter, getScanReporter, reportFormats, reporterPlugins, reporters, scanReporters } from './reporters/registry.js';
export type { ScanReporterOptions } from './reporters/registry.js';
export type { RenderOptions, ReportView, Reporter, ReporterOptions, ReporterPlugin } from './reporters/types.js';
export { reporterChunks } from './reporters/chunks.js';
export { cyclonedxVulnerabilityReporter } from './reporters/cyclonedx-json/index.js';
export { toSarif } from './reporters/sarif/index.js';

// Versions and advisories
export { getVersionScheme } from './versioning/registry.js';
export type { VersionScheme } from './versioning/types.js';
export { advisoryStoreFromRecords } from './advisories/memory-store.js';
export { openAdvisoryStore } from './advisories/sqlite-store.js';
export { buildAdvisoryDb } from './advisories/build.js';
export type { BuildAdvisoryDbOptions, BuildReport } from './advisories/build.js';
export { DB_ARTIFACT_TYPE, pullAdvisoryDb, pushAdvisoryDb } from './advisories/oci-artifact.js';
export { updateAdvisoryDb } from './advisories/update/index.js';
export type { UpdateAdvisoryDbOptions, UpdateReport } from './advisories/update/index.js';
export { feedSources } from './advisories/update/sources.js';
export type { FeedSource } from './advisories/update/sources.js';
export type { Advisory, AdvisoryHit, AdvisoryStore, AffectedPackage, CveFacts, DbMetadata, VendorStatus } from './advisories/types.js';

// Vulnerability findings, triage inputs, gate, redaction
export { matchVulnerabilities } from './findings/match-report.js';
export type { MatchOptions } from './findings/match-report.js';
export { applyPolicyInputs } from './findings/policy.js';
export { IGNORE_FILE_NAME, loadIgnoreFile } from './findings/exceptions.js';
export { loadBaselineReport } from './findings/baseline.js';
export { loadVexFile } from './findings/vex/index.js';
export type { VexDocument } from './findings/vex/types.js';
export { toOpenVex } from './findings/write-openvex.js';
export type { DeploymentContext } from './findings/priority.js';
export { SBOM_INPUT_LIMITS, reportFromSbom } from './sbom-input/sbom-input.js';
export { VULN_SCANNER, gateDecision } from './findings/gate.js';
export type { GateInput } from './findings/gate.js';
export { NO_REDACTION, createRedactor, defaultRedactor } from './findings/redaction.js';
export type { Redactor } from './findings/redaction.js';

// Policy: one engine for the CLI, the server and the admission webhook (the decision type, PolicyDecision, is in @sekisho/model)
export { evaluatePolicy } from './policy/evaluate.js';
export { loadPolicy, parsePolicy, policyJsonSchema } from './policy/load-policy.js';
export type { PolicyDocument } from './policy/schema.js';
export type { PolicySubject } from './policy/subject.js';
export { environmentFor, resolveEnvironment } from './policy/environments.js';
export { decisionLines, renderDecision } from './policy/render-decision.js';

// Comparing two reports
export { compareReports } from './compare/compare-reports.js';
export { renderComparisonMarkdown, renderComparisonText } from './compare/render-comparison.js';

// Configuration audit and isolation
export { auditConfig, isConfigCandidate } from './checks/index.js';
export { isConfigDocumentKind } from './checks/types.js';
export type { ConfigAuditResult, ConfigDocumentKind, ConfigFileError, ConfigInput } from './checks/types.js';
export { LAYER_WEIGHTS } from './checks/isolation/evaluate.js';
export type { HostFacts, IsolationLayerId } from './checks/isolation/profile.js';
export { parsePssVersion } from './checks/kubernetes/pss/checks.js';

// Supply chain: signing and verifying images and blobs
export { predicateTypeFor } from './supply-chain/image/payload.js';
export { attestImage, signImage } from './supply-chain/image/sign-image.js';
export type { SignImageResult, StorageForm } from './supply-chain/image/sign-image.js';
export { EMPTY_TRUSTED_ROOT, loadTrustPolicy, verifyImageTrust } from './supply-chain/image/trust-policy.js';
export { requireVerified, verifyImage } from './supply-chain/image/verify-image.js';
export type { SignatureCheck, VerifyImageMode, VerifyImageResult } from './supply-chain/image/verify-image.js';
export { signBlob } from './supply-chain/sigstore/sign-blob.js';
export { loadTrustedRoot } from './supply-chain/sigstore/trusted-root.js';
export { verifyBlob } from './supply-chain/sigstore/verify-blob.js';
export type { ArtifactInput, VerifyPolicy } from './supply-chain/sigstore/verify-blob.js';

// Recommendations: the smallest upgrade per package, the newer base image that clears most
export { attributeLayers } from './findings/attribution.js';
export { minimalUpgrades, recommendBaseImage, renderRecommendationsMarkdown, renderRecommendationsText } from './recommend/index.js';
export type { Recommendations } from './recommend/index.js';

// Serverless function packages and their configuration
export { codeSinkAnalyzer, functionFindings, mergeFunctionSpecs, parseFunctionConfig, sinksFromFacts } from './function/index.js';
export type { FunctionSpec } from './function/index.js';

// Host and node audit
export { auditHost, emitHostAudit, isolationHostFacts, parseHostFactsDocument, renderHostTable } from './host/index.js';
export type { HostAudit } from './host/index.js';

// What the admission webhook uses: the Kubernetes checks on one object, the pod-spec view PSA
// judges, and the policy file's admission settings
export { auditKubernetesObjects } from './checks/kubernetes/index.js';
export { evaluatePodSecurity, formatPssVersion } from './checks/kubernetes/pss/checks.js';
export type { PssLevel } from './checks/kubernetes/pss/checks.js';
export { workloadOf } from './checks/kubernetes/pod-spec.js';
export type { PodSpecView, Workload } from './checks/kubernetes/pod-spec.js';
export type { KubeObject } from './checks/kubernetes/load.js';
export { admissionSettingsSchema } from './policy/schema.js';
export type { AdmissionSettingsInput } from './policy/schema.js';
export type { TrustPolicy } from './supply-chain/image/trust-policy.js';

// Registry references, as the job queue groups work by registry
export { registryReferenceOf } from './source/registry/reference.js';

// Exceptions in force, as the server applies stored exceptions to findings it lists
export { ExceptionBook } from './policy/exceptions.js';
export type { PolicyException } from './policy/schema.js';
