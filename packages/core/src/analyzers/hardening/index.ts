export { sensitiveFilesAnalyzer, classifyPath, registryAuthHasCredentials } from './sensitive-files.js';
export { passwordState, summarizeShadow, uidZeroNames, type PasswordState, type ShadowSummary } from './accounts.js';
export { CACHE_MANAGERS, CLOUD_PROVIDERS, SENSITIVE_FILES_ANALYZER_ID, decodeFact, encodeFact, type CacheManager, type CloudProvider, type SensitiveFact, type SensitiveFactKind } from './facts.js';
export { hardeningAnalyzerPlugin } from './plugin.js';
