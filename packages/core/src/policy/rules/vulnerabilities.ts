import type { Finding, VulnerabilityFinding } from '@sekisho/model';
import { SEVERITIES, severityAtLeast } from '@sekisho/model';
import { z } from 'zod';
import { countFindings } from './finding-rule.js';
import { defineRule } from './types.js';

const PRIORITY_RANK = { p1: 4, p2: 3, p3: 2, p4: 1 } as const;

const params = z
  .object({
    /** At or above this severity. */
    severity: z.enum(SEVERITIES).default('high'),
    /** Only vulnerabilities with a fixed version. */
    fixable: z.boolean().default(false),
    /** Only at or above this priority (docs/priority.md). */
    priority: z.enum(['p1', 'p2', 'p3', 'p4']).optional(),
    /** Only known-exploited (KEV-listed) ones. */
    kev: z.boolean().default(false),
    /** Only packages of these types (`deb`, `npm`, `pypi`…). */
    packageTypes: z.array(z.string().min(1).max(32)).max(64).optional(),
    /** How many may remain; default none. */
    maxCount: z.number().int().min(0).default(0),
  })
  .strict();

export type VulnerabilityRuleParams = z.infer<typeof params>;

export function vulnerabilitySelector(p: VulnerabilityRuleParams): (f: Finding) => f is VulnerabilityFinding {
  return (f): f is VulnerabilityFinding =>
    f.kind === 'vulnerability' &&
    severityAtLeast(f.severity, p.severity) &&
    (!p.fixable || f.fixedVersions.length > 0) &&
    (!p.kev || (f.kev ?? null) !== null) &&
    (p.priority === undefined || (f.priority !== undefined && PRIORITY_RANK[f.priority.level] >= PRIORITY_RANK[p.priority])) &&
    (p.packageTypes === undefined || (f.packageType !== undefined && p.packageTypes.includes(f.packageType)));
}

function describe(p: VulnerabilityRuleParams): string {
  const parts = [`${p.kev ? 'known-exploited ' : ''}${p.fixable ? 'fixable ' : ''}vulnerabilities at or above ${p.severity}`];
  if (p.priority !== undefined) parts.push(`priority ${p.priority} or higher`);
  if (p.packageTypes !== undefined) parts.push(`in ${p.packageTypes.join('/')} packages`);
  return parts.join(', ');
}

export const vulnerabilitiesRule = defineRule({
  kind: 'vulnerabilities',
  summary: 'No vulnerability at or above a severity (optionally only fixable, by priority, KEV-listed, or by package type)',
  params,
  defaultWeight: 20,
  needs: ['vuln'],
  evaluate: (p, ctx) => countFindings(ctx, vulnerabilitySelector(p), describe(p), p.maxCount),
});

export const kevRule = defineRule({
  kind: 'kev',
  summary: 'No vulnerability listed in CISA Known Exploited Vulnerabilities',
  params: z.object({}).strict(),
  defaultWeight: 20,
  needs: ['vuln'],
  evaluate: (_p, ctx) => countFindings(ctx, (f) => f.kind === 'vulnerability' && (f.kev ?? null) !== null, 'known-exploited vulnerabilities'),
});
