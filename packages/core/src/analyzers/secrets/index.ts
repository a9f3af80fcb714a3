export { createSecretsAnalyzer, secretRulesFingerprint, selectsForSecrets, MAX_SCAN_BYTES, SECRETS_ANALYZER_VERSION } from './analyzer.js';
export { scanConfigStrings, type ConfigString } from './config-strings.js';
export { checkRegexSafety, type RegexSafetyIssue } from './regex-safety.js';
export { BUILTIN_RULES } from './rules.js';
export { redact } from './redact.js';
export { SECRETS_ANALYZER_ID } from './engine.js';
export { loadSecretConfig, parseSecretConfig, parseGitleaksConfig, parseTrivySecretConfig, detectSecretConfigFormat } from './user-config.js';
export type { ParsedSecretConfig, SecretConfig, SecretConfigFormat, SecretConfigProblem } from './user-config.js';
export type { GlobalAllowlistId, SecretAllowlist, SecretAnalyzerFinding, SecretRule, SecretsOptions, SecretValidatorName } from './types.js';
