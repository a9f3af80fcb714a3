import { isSekishoError } from '../../errors.js';
import { configTarget, runCheck, sortAuditResult, type ConfigAuditResult } from '../types.js';
import { parseDockerfile, type ParseDockerfileOptions } from './parse-dockerfile.js';
import { DOCKERFILE_RULES, type DockerfileCheckContext } from './rules.js';

export const DOCKERFILE_CHECKER_ID = 'dockerfile-checks';

export interface AuditDockerfileOptions extends ParseDockerfileOptions, DockerfileCheckContext {}

/** Parses a Dockerfile and runs every Dockerfile rule; a file that cannot be parsed becomes a fileErrors entry. */
export function auditDockerfile(path: string, content: string, options: AuditDockerfileOptions = {}): ConfigAuditResult {
  let df;
  try {
    df = parseDockerfile(content, options);
  } catch (error) {
    return { findings: [], workloads: [], fileErrors: [{ file: path, reason: reasonOf(error) }] };
  }
  if (df.stages.length === 0) {
    return { findings: [], workloads: [], fileErrors: [{ file: path, reason: 'CONFIG_INVALID: no FROM instruction' }] };
  }
  const target = configTarget(path, { kind: 'Dockerfile' });
  const ctx: DockerfileCheckContext = options.target === undefined ? {} : { target: options.target };
  const findings = DOCKERFILE_RULES.flatMap((check) => runCheck(check, df, ctx, target, DOCKERFILE_CHECKER_ID));
  return sortAuditResult({ findings, workloads: [], fileErrors: [] });
}

export function reasonOf(error: unknown): string {
  if (isSekishoError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof RangeError) return `LIMIT_ENTRY_SIZE: input too deeply nested (${error.message})`;
  return `CONFIG_INVALID: ${error instanceof Error ? error.message : String(error)}`;
}
