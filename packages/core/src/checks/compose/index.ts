export { auditCompose, composeWorkloadProfiles, COMPOSE_CHECKER_ID, type AuditComposeOptions } from './audit-compose.js';
export { detectCompose } from './detect.js';
export {
  DEFAULT_COMPOSE_LIMITS,
  interpolate,
  parseCompose,
  parseShortPort,
  parseShortVolume,
  type ComposeFile,
  type ComposeLimits,
  type ComposeService,
  type ParseComposeOptions,
} from './parse-compose.js';
