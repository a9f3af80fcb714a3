import { describe, expect, it } from 'vitest';
import { analyzeFile } from './analyzer.js';
import { compileRules, type CompiledRules } from './engine.js';
import { generateFromRule, pathForRule } from './__fixtures__/generate.js';
import { FALSE_POSITIVES, TRUE_POSITIVES, type Sample } from './__fixtures__/samples.js';
import { BUILTIN_RULES } from './rules.js';
import type { SecretAnalyzerFinding, SecretRule } from './types.js';

const RULES = compileRules();
const SHOWN = compileRules({ showSecrets: true });
const DEFAULT_PATH = '/app/config/settings.conf';

interface LabelledSample extends Sample {
  readonly origin: 'hand-written' | 'generated';
}

function scan(sample: Sample, rules: CompiledRules = RULES): SecretAnalyzerFinding[] {
  const body = Buffer.from(sample.text, 'utf8');
  return analyzeFile(rules, sample.path ?? DEFAULT_PATH, body.length, body, false).findings as SecretAnalyzerFinding[];
}

function secretOf(rule: SecretRule, text: string): string | undefined {
  const m = new RegExp(rule.regex, `m${rule.flags ?? ''}`).exec(text);
  return rule.validate === undefined ? (m?.groups?.secret ?? undefined) : undefined;
}

const handTp = new Set(TRUE_POSITIVES.map((s) => s.rule));
const truePositives: LabelledSample[] = [
  ...TRUE_POSITIVES.map((s) => ({ ...s, origin: 'hand-written' as const })),
  ...BUILTIN_RULES.filter((rule) => !handTp.has(rule.id)).map((rule): LabelledSample => {
    const text = generateFromRule(rule, 'real');
    const secret = secretOf(rule, text);
    return { rule: rule.id, text, path: pathForRule(rule), ...(secret === undefined ? {} : { secret }), origin: 'generated' };
  }),
];

const falsePositives: LabelledSample[] = [
  ...FALSE_POSITIVES.map((s) => ({ ...s, origin: 'hand-written' as const })),
  ...BUILTIN_RULES.flatMap((rule): LabelledSample[] => {
    const real = generateFromRule(rule, 'real');
    const out: LabelledSample[] = [];
    for (const mode of ['short', 'placeholder'] as const) {
      const text = generateFromRule(rule, mode);
      if (text !== real) out.push({ rule: rule.id, text, path: pathForRule(rule), origin: 'generated' });
    }
    return out;
  }),
];

describe('secret rules: samples', () => {
  it('every rule has at least one true-positive and one false-positive sample', () => {
    for (const rule of BUILTIN_RULES) {
      expect(
        truePositives.some((s) => s.rule === rule.id),
        `${rule.id} true positive`,
      ).toBe(true);
      expect(
        falsePositives.some((s) => s.rule === rule.id),
        `${rule.id} false positive`,
      ).toBe(true);
    }
  });

  it.each(truePositives.map((s, i) => [`${s.rule} #${i} (${s.origin})`, s] as const))('detects %s', (_name, sample) => {
    const findings = scan(sample);
    const hit = findings.find((f) => f.ruleId === sample.rule);
    expect(hit, JSON.stringify(findings.map((f) => f.ruleId))).toBeDefined();
    if (sample.note !== undefined) expect(hit?.description).toContain(sample.note);
  });

  it.each(falsePositives.map((s, i) => [`${s.rule} #${i} (${s.origin})`, s] as const))('ignores %s', (_name, sample) => {
    expect(scan(sample).filter((f) => f.ruleId === sample.rule)).toEqual([]);
  });
});

describe('secret rules: redaction', () => {
  const withSecret = truePositives.filter((s) => s.secret !== undefined && s.secret.length >= 12);

  it.each(withSecret.map((s, i) => [`${s.rule} #${i}`, s] as const))('never reveals the secret of %s', (_name, sample) => {
    const findings = scan(sample);
    const json = JSON.stringify(findings);
    const secret = sample.secret ?? '';
    // Literal prefixes (`rubygems_`, `hooks.slack.com/`) also appear in rule ids and titles.
    const ruleText = findings.map((f) => `${f.ruleId} ${f.title} ${f.description} ${f.fix ?? ''} ${f.references.join(' ')}`).join(' ');
    for (let i = 0; i + 8 <= secret.length; i++) {
      const piece = secret.slice(i, i + 8);
      if (!ruleText.includes(piece)) expect(json).not.toContain(piece);
    }
  });

  it.each(withSecret.map((s, i) => [`${s.rule} #${i}`, s] as const))('shows the secret of %s only when asked', (_name, sample) => {
    const findings = scan(sample, SHOWN);
    expect(findings.some((f) => f.match.includes(sample.secret ?? ''))).toBe(true);
  });
});

describe('secret rules: pairing', () => {
  it('reports an AWS key id and its secret in one file as one critical finding', () => {
    const sample = TRUE_POSITIVES.find((s) => s.rule === 'aws-access-key-id');
    const secret = TRUE_POSITIVES.find((s) => s.rule === 'aws-secret-access-key');
    const text = `[default]\n${sample?.text.replace('export AWS_ACCESS_KEY_ID=', 'aws_access_key_id = ') ?? ''}${secret?.text ?? ''}`;
    const findings = scan({ rule: 'aws-access-key-pair', text, path: '/root/.aws/credentials' });
    expect(findings.map((f) => [f.ruleId, f.severity, f.line])).toEqual([['aws-access-key-pair', 'critical', 2]]);
    expect(findings[0]?.match).toMatch(/^AKIA…\(20 chars\) \+ .{4}…\(40 chars\)$/);
    expect(findings[0]?.description).toContain('line 3');
  });
});

describe('secret rules: measurement', () => {
  it('prints recall and false-positive counts', () => {
    const count = (samples: LabelledSample[], origin: LabelledSample['origin'], hit: (s: LabelledSample) => boolean): string => {
      const subset = samples.filter((s) => s.origin === origin);
      return `${subset.filter(hit).length}/${subset.length}`;
    };
    const detected = (s: LabelledSample): boolean => scan(s).some((f) => f.ruleId === s.rule);
    const anyFinding = (s: LabelledSample): boolean => scan(s).length > 0;
    const lines = [
      `secret rules: ${BUILTIN_RULES.length}`,
      `recall (true positives detected): hand-written ${count(truePositives, 'hand-written', detected)}, generated ${count(truePositives, 'generated', detected)}`,
      `false positives (own rule fired): hand-written ${count(falsePositives, 'hand-written', detected)}, generated ${count(falsePositives, 'generated', detected)}`,
      `false-positive samples with any finding: hand-written ${count(falsePositives, 'hand-written', anyFinding)}, generated ${count(falsePositives, 'generated', anyFinding)}`,
    ];
    for (const s of falsePositives.filter(anyFinding))
      lines.push(
        `  ${s.rule} (${s.origin}) → ${scan(s)
          .map((f) => f.ruleId)
          .join(', ')}`,
      );
    console.log(lines.join('\n'));
    expect(truePositives.length).toBeGreaterThan(BUILTIN_RULES.length);
  });
});
