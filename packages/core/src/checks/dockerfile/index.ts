export { auditDockerfile, DOCKERFILE_CHECKER_ID, type AuditDockerfileOptions } from './audit-dockerfile.js';
export { detectDockerfile, type DetectedBy } from './detect.js';
export {
  DEFAULT_DOCKERFILE_LIMITS,
  finalStage,
  parseDockerfile,
  runScript,
  type Dockerfile,
  type DockerfileInstruction,
  type DockerfileLimits,
  type DockerfileStage,
  type Heredoc,
  type ParseDockerfileOptions,
} from './parse-dockerfile.js';
export { DOCKERFILE_RULES, isSecretName, parseImageRef, type DockerfileCheck, type DockerfileCheckContext } from './rules.js';
