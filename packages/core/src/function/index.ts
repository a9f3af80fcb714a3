export type { ConfigPlace, EnvironmentVariable, FunctionProvider, FunctionSpec, FunctionTrigger, PolicyStatement } from './spec.js';
export { MAX_CONFIG_BYTES, mergeFunctionSpecs, parseFunctionConfig } from './load-config.js';
export { CATALOG_AS_OF, CATALOG_SOURCE, DEPRECATION_WARNING_DAYS, runtimeSupport } from './runtimes.js';
export type { RuntimeSupport } from './runtimes.js';
export { findCodeSinks, isApplicationCode } from './code-sinks.js';
export type { CodeSink } from './code-sinks.js';
export { functionFindings } from './checks.js';
export { CODE_SINKS_ANALYZER, codeSinkAnalyzer, MAX_SOURCE_BYTES, sinksFromFacts } from './sink-analyzer.js';
