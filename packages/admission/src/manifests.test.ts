import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { admissionManifests, webhookRules } from './manifests.js';
import { JUDGED_KINDS } from './workload.js';

const CHART = path.resolve(import.meta.dirname, '../../../deploy/helm/sekisho/templates');

describe('admission manifests', () => {
  it('route every judged workload kind, CREATE and UPDATE, and ephemeral containers only to the validating webhook', () => {
    const resources = webhookRules(true).flatMap((r) => (r['resources'] as string[]).map((x) => `${(r['apiGroups'] as string[])[0] ?? ''}/${x}`));
    for (const kind of Object.values(JUDGED_KINDS)) expect(resources).toContain(`${kind.group}/${kind.resource}`);
    expect(resources).toContain('/pods/ephemeralcontainers');
    expect(webhookRules(false).flatMap((r) => r['resources'] as string[])).not.toContain('pods/ephemeralcontainers');
    for (const r of webhookRules(true)) expect(r['operations']).toEqual(['CREATE', 'UPDATE']);
  });

  it('fail closed in enforce mode and open otherwise, unless told', () => {
    const policyOf = (m: Record<string, unknown>[]): unknown => (m.find((x) => x['kind'] === 'ValidatingWebhookConfiguration')?.['webhooks'] as { failurePolicy: string }[])[0]?.failurePolicy;
    expect(policyOf(admissionManifests({ namespace: 'n', image: 'i', mode: 'enforce' }))).toBe('Fail');
    expect(policyOf(admissionManifests({ namespace: 'n', image: 'i', mode: 'warn' }))).toBe('Ignore');
    expect(policyOf(admissionManifests({ namespace: 'n', image: 'i', mode: 'audit', failurePolicy: 'Fail' }))).toBe('Fail');
  });

  it('send exec and attach to the validating webhook only when asked', () => {
    const rulesOf = (judgeExec: boolean): unknown[] =>
      (admissionManifests({ namespace: 'n', image: 'i', mode: 'enforce', judgeExec }).find((x) => x['kind'] === 'ValidatingWebhookConfiguration')?.['webhooks'] as { rules: unknown[] }[])[0]!.rules;
    expect(rulesOf(false)).not.toContainEqual(expect.objectContaining({ operations: ['CONNECT'] }));
    expect(rulesOf(true)).toContainEqual(expect.objectContaining({ operations: ['CONNECT'], resources: ['pods/attach', 'pods/exec'] }));
  });

  it('the Helm templates route the same resources with the same settings', () => {
    const text = readFileSync(path.join(CHART, 'admission-webhooks.yaml'), 'utf8');
    const validating = text.slice(0, text.indexOf('MutatingWebhookConfiguration'));
    for (const rule of webhookRules(true)) {
      const group = (rule['apiGroups'] as string[])[0] ?? '';
      const line = validating.split('\n').find((l) => l.includes(`apiGroups: ["${group}"]`)) ?? '';
      expect(line, group).toContain(`resources: [${(rule['resources'] as string[]).map((r) => `"${r}"`).join(', ')}]`);
      expect(line).toContain('operations: ["CREATE", "UPDATE"]');
    }
    expect(text).toContain('sideEffects: None');
    expect(text).toContain('admissionReviewVersions: ["v1"]');
    expect(text).toContain('values: ["kube-system", {{ .Release.Namespace | quote }}]');
  });
});
