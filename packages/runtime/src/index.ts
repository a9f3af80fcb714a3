export {
  BINARY_OPERATORS,
  ConditionSyntaxError,
  LIST_OPERATORS,
  parseCondition,
  TRANSFORMERS,
  UNARY_OPERATORS,
  type BinaryOperator,
  type Expr,
  type FieldExpr,
  type ListOperator,
  type ListValue,
  type Operator,
  type Transformer,
  type UnaryOperator,
  type Value,
} from './condition.js';
export { CompileError, type CompileErrorCode, type Predicate } from './compile.js';
export { imageRepository, jsonPointer, K8S_AUDIT_FIELDS, type AuditEventContext, type ArgKind, type Extracted, type FieldDefinition, type FieldType } from './fields-k8saudit.js';
export {
  compareVersions,
  ENGINE_VERSION,
  parsePriority,
  PRIORITIES,
  PRIORITY_SEVERITY,
  PROVIDED_PLUGINS,
  type CollectOptions,
  type IssueCode,
  type IssueLevel,
  type LoadIssue,
  type Priority,
  type ProvidedPlugin,
  type RuleFile,
  type Where,
} from './loader.js';
export {
  AuditInputError,
  auditEventsOf,
  formatIssue,
  K8S_AUDIT_SOURCE,
  loadRules,
  NOT_AN_AUDIT_EVENT,
  parseAuditLog,
  timestampNs,
  type CompiledRule,
  type LoadOptions,
  type RuleSet,
} from './engine.js';
export { auditTimeNs, Detector, replay, type AlertHandler, type DetectorOptions, type FalcoAlert, type ReplayOptions, type ReplayResult } from './detector.js';
export { SYSCALL_FIELDS, providesField, type ContainerInfo, type ProcessEvent, type ProcessInfo, type SocketOrFile } from './fields-syscall.js';
export { flatFieldTable, type FlatEvent } from './fields-flat.js';
export { INDEX_FIELDS, requiredValues, type KeyValues } from './rule-index.js';
export { ALL_SOURCES_LOAD_OPTIONS, INPUT_KINDS, inputProfile, isInputKind, loadOptionsFor, SYSCALL_SOURCE, type InputKind, type InputProfile } from './inputs.js';
export { ContainerIndex, digestOf, shortContainerId, type ContainerFacts } from './enrich.js';
export { alertEvent, type AlertContext } from './alert-event.js';
export { newStreamStats, processItem, runStream, type StreamOptions, type StreamStats } from './stream.js';
export { DEFAULT_JSON_LIMITS, jsonDepthExceeds, parseBoundedJson, type JsonLimits, type JsonResult } from './sources/bounded-json.js';
export { BoundedQueue } from './sources/bounded-queue.js';
export { DEFAULT_MAX_LINE_BYTES, fileLines, type FileLinesOptions, type FileLinesStats } from './sources/file-lines.js';
export { DEFAULT_WEBHOOK_MAX_BODY, startAuditWebhook, type AuditWebhook, type AuditWebhookOptions, type AuditWebhookStats } from './sources/audit-webhook.js';
export { auditItems, auditLineItems, K8S_AUDIT_PROVIDES } from './sources/k8s-audit.js';
export { falcoAlertBodyItems, falcoAlertItem, falcoAlertLineItems } from './sources/falco-json.js';
export { TETRAGON_PROVIDES, tetragonItem, tetragonLineItems } from './sources/tetragon.js';
export { processEventItem, processLineItems } from './sources/process-json.js';
export { capabilityNames, containerOfCgroup, parseStat, PROC_PROVIDES, ProcSampler, type ProcSamplerOptions } from './sources/proc-sampler.js';
export { malformed, rfc3339Ns, type SourceItem } from './sources/source-item.js';
