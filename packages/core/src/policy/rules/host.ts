import { SEVERITIES, severityAtLeast } from '@sekisho/model';
import { z } from 'zod';
import { countFindings } from './finding-rule.js';
import { defineRule } from './types.js';

/** Rule ids, or prefixes ending in `*` (`host-kernel-*`, `host-runtime-*`, `host-docker-*`). */
const checks = z.array(z.string().min(1).max(200)).max(1000);

const matches = (ruleId: string, patterns: readonly string[]): boolean => patterns.some((p) => (p.endsWith('*') ? ruleId.startsWith(p.slice(0, -1)) : ruleId === p));

/**
 * The minimum state of a host (`sekisho host`): no host-audit finding among the listed checks, or
 * at or above a severity. A report of an image or a manifest never ran the host audit, so there
 * the rule is not evaluated — never passed.
 */
export const hostRule = defineRule({
  kind: 'host',
  summary: 'Minimum host state: no host-audit finding (kernel and runtime CVEs, sysctls, Docker daemon, kubelet) among the listed checks, or at or above a severity',
  params: z.object({ checks: checks.optional(), severity: z.enum(SEVERITIES).default('high') }).strict(),
  defaultWeight: 10,
  needs: ['host'],
  evaluate: (p, ctx) =>
    countFindings(
      ctx,
      (f) => f.foundBy === 'host' && (p.checks === undefined ? severityAtLeast(f.severity, p.severity) : matches(f.ruleId, p.checks) && severityAtLeast(f.severity, p.severity)),
      p.checks === undefined ? `host findings at or above ${p.severity}` : `host findings of ${p.checks.join(', ')} at or above ${p.severity}`,
    ),
});
