import { SEVERITIES, severityAtLeast } from '@sekisho/model';
import { z } from 'zod';
import { countFindings } from './finding-rule.js';
import { defineRule } from './types.js';

const ids = z.array(z.string().min(1).max(200)).max(1000);

export const secretsRule = defineRule({
  kind: 'secrets',
  summary: 'No secret in any layer, deleted files included, nor in Env, Labels or history',
  params: z
    .object({
      severity: z.enum(SEVERITIES).default('unknown'),
      /** Count secrets in files a later layer deleted (they stay extractable from the image); default true. */
      includeRemoved: z.boolean().default(true),
    })
    .strict(),
  defaultWeight: 15,
  needs: ['secret'],
  evaluate: (p, ctx) => countFindings(ctx, (f) => f.kind === 'secret' && severityAtLeast(f.severity, p.severity) && (p.includeRemoved || f.removedInLayer === null), 'secrets'),
});

export const malwareRule = defineRule({
  kind: 'malware',
  summary: 'No malware (YARA rules, hash lists, ClamAV)',
  params: z.object({}).strict(),
  defaultWeight: 20,
  needs: ['malware'],
  evaluate: (_p, ctx) => countFindings(ctx, (f) => f.kind === 'malware', 'malware findings'),
});

export const hardeningRule = defineRule({
  kind: 'hardening',
  summary: 'No image hardening finding among the listed checks (e.g. SEK-IMG-001 root user), or at or above a severity',
  params: z.object({ checks: ids.optional(), severity: z.enum(SEVERITIES).default('high') }).strict(),
  defaultWeight: 5,
  needs: ['hardening'],
  evaluate: (p, ctx) =>
    countFindings(
      ctx,
      (f) => f.kind === 'hardening' && (p.checks === undefined ? severityAtLeast(f.severity, p.severity) : p.checks.includes(f.ruleId)),
      p.checks === undefined ? `hardening findings at or above ${p.severity}` : `hardening findings of ${p.checks.join(', ')}`,
    ),
});

export const misconfigurationRule = defineRule({
  kind: 'misconfiguration',
  summary: 'No configuration finding (Kubernetes, Dockerfile, Compose) among the listed checks, of a standard level, or at or above a severity',
  params: z
    .object({
      checks: ids.optional(),
      severity: z.enum(SEVERITIES).default('high'),
      /** Only results of this standard and level, e.g. `{ name: pod-security-standards, level: restricted }`. */
      standard: z
        .object({ name: z.string().min(1).max(100), level: z.string().min(1).max(100).optional() })
        .strict()
        .optional(),
    })
    .strict(),
  defaultWeight: 10,
  needs: ['config'],
  evaluate: (p, ctx) =>
    countFindings(
      ctx,
      (f) =>
        f.kind === 'misconfiguration' &&
        (p.checks === undefined ? severityAtLeast(f.severity, p.severity) : p.checks.includes(f.ruleId)) &&
        (p.standard === undefined || (f.standard !== null && f.standard.name === p.standard.name && (p.standard.level === undefined || f.standard.level === p.standard.level))),
      'configuration findings',
    ),
});

export const supplyChainRule = defineRule({
  kind: 'supply-chain',
  summary: 'Signatures and attestations as the trust policy requires, from allowed repositories',
  params: z.object({}).strict(),
  defaultWeight: 15,
  needs: ['supply-chain'],
  evaluate: (_p, ctx) => countFindings(ctx, (f) => f.kind === 'supply-chain', 'supply-chain findings'),
});
