export { DEFAULT_CONFIG, RULES, loadConfig } from './config.js';
export type { RaspConfig, RuleId, RuleMode } from './config.js';
export { RaspBlockedError } from './guard.js';
export { install } from './install.js';
export { classifyHost, detectCodeInjection, detectCommandInjection, detectPathTraversal, detectSqlInjection, detectSsrf, pollutingKey } from './detect.js';
export type { Detection } from './detect.js';
export type { RequestValue } from './context.js';
