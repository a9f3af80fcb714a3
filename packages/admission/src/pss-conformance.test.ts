import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedFile } from '@sekisho/testkit';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '@sekisho/core';
import { AdmissionController } from './controller.js';
import { parseAdmissionReview } from './review.js';

// Upstream fixtures: kubernetes/pod-security-admission test/testdata (../shared/conformance/README.md).
// Absent: skipped; an error when SEKISHO_REQUIRE_FIXTURES=1.
const indexFile = sharedFile('conformance', 'pod-security', 'index.json');
const suite = path.dirname(indexFile ?? '.');

interface FixtureRow {
  readonly file: string;
  readonly level: 'baseline' | 'restricted';
  readonly version: string;
  readonly expected: 'pass' | 'fail';
  readonly check: string | null;
  readonly expect_error_substring?: readonly string[];
}

/** One environment per level and version, each mapped from a namespace of the same name. */
function policyFor(rows: readonly FixtureRow[]): string {
  const combos = [...new Set(rows.map((r) => `${r.level}|${r.version}`))].sort();
  const envName = (c: string): string => c.replace('|', '-').replace(/\./g, '-');
  const lines = ['apiVersion: sekisho.dev/v1', 'kind: Policy', 'metadata: { name: psa }', 'environments:'];
  for (const c of combos) {
    const [level, version] = c.split('|');
    lines.push(`  ${envName(c)}: { admission: { mode: enforce, podSecurity: { level: ${level}, version: "${version}" } } }`);
  }
  lines.push('mappings:');
  for (const c of combos) lines.push(`  - { environment: ${envName(c)}, namespaces: ["${envName(c)}"] }`);
  return lines.join('\n');
}

describe.skipIf(indexFile === null)('Pod Security Admission conformance through the webhook (upstream fixtures)', () => {
  it('allows and denies every fixture pod, wrapped in an AdmissionReview for a namespace at its level and version, as PSA does', async () => {
    const index = JSON.parse(readFileSync(path.join(suite, 'index.json'), 'utf8')) as { files: FixtureRow[] };
    // Environments are capped at 100 per policy: one controller per level.
    const disagreements: string[] = [];
    let agree = 0;
    for (const level of ['baseline', 'restricted'] as const) {
      const rows = index.files.filter((r) => r.level === level);
      const controller = new AdmissionController({ policy: parsePolicy(policyFor(rows), 'psa.yaml') });
      for (const [i, row] of rows.entries()) {
        const pod = parseYaml(readFileSync(path.join(suite, row.file), 'utf8')) as Record<string, unknown>;
        const namespace = `${row.level}-${row.version.replace(/\./g, '-')}`;
        const review = parseAdmissionReview({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          request: {
            uid: `psa-${level}-${i}`,
            kind: { group: '', version: 'v1', kind: 'Pod' },
            resource: { group: '', version: 'v1', resource: 'pods' },
            name: (pod['metadata'] as { name?: string } | undefined)?.name ?? 'pod',
            namespace,
            operation: 'CREATE',
            userInfo: { username: 'conformance' },
            object: { ...pod, metadata: { ...(pod['metadata'] as object), namespace } },
            oldObject: null,
            dryRun: false,
          },
        });
        if (!review.ok) throw new Error(`${row.file}: ${review.message}`);
        const out = await controller.review(review.request, 'validate');
        let ok = out.response.uid === review.request.uid && out.response.allowed === (row.expected === 'pass');
        const message = out.response.status?.message ?? '';
        if (ok && row.expected === 'fail') ok = (row.expect_error_substring ?? []).every((s) => message.includes(s));
        if (ok) agree++;
        else disagreements.push(`${row.file}: expected ${row.expected}, allowed=${out.response.allowed} ${message.slice(0, 200)}`);
      }
    }
    const total = index.files.length;
    console.log(`PSA conformance through the webhook: ${agree}/${total} fixtures agree`);
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(agree).toBe(total);
  });
});
