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
