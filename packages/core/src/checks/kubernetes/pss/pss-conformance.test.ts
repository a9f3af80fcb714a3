import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../../testing/shared-data.js';
import { loadKubernetesFile } from '../load.js';
import { workloadOf } from '../pod-spec.js';
import { applicableChecks, evaluatePodSecurity, parsePssVersion, type PssLevel } from './checks.js';

// Absent: skipped; an error when SEKISHO_REQUIRE_FIXTURES=1.
const indexFile = sharedFile('conformance', 'pod-security', 'index.json');
const suite = path.dirname(indexFile ?? '.');

interface FixtureRow {
  readonly file: string;
  readonly level: PssLevel;
  readonly version: string;
  readonly expected: 'pass' | 'fail';
  readonly check: string | null;
}

// Upstream fixtures: kubernetes/pod-security-admission test/testdata (see ../shared/conformance/README.md).
describe.skipIf(indexFile === null)('Pod Security Admission conformance (upstream fixtures)', () => {
  it('agrees with PSA on every fixture, and denies through the fixture’s check', () => {
    const index = JSON.parse(readFileSync(path.join(suite, 'index.json'), 'utf8')) as { files: FixtureRow[] };
    const disagreements: string[] = [];
    let agree = 0;
    for (const row of index.files) {
      const minor = parsePssVersion(row.version);
      expect(minor).not.toBeNull();
      const loaded = loadKubernetesFile(row.file, readFileSync(path.join(suite, row.file)));
      const object = loaded.objects[0];
      const workload = object === undefined ? null : workloadOf(object);
      if (workload === null) {
        disagreements.push(`${row.file}: not loaded (${loaded.errors.map((e) => e.reason).join('; ')})`);
        continue;
      }
      const evaluation = evaluatePodSecurity(workload.pod, row.level, minor!);
      const failing = evaluation.results.filter((r) => !r.outcome.allowed).map((r) => r.check.id);
      let ok = evaluation.allowed === (row.expected === 'pass');
      if (ok && row.expected === 'fail' && row.check !== null) {
        // The denial must come from the fixture's check, or from the restricted check that overrides it.
        const overriders = applicableChecks(row.level, minor!)
          .filter((a) => (a.versioned.overrides ?? []).some((o) => o === row.check))
          .map((a) => a.check.id as string);
        ok = failing.some((id) => id === row.check || overriders.includes(id));
      }
      if (ok) agree++;
      else disagreements.push(`${row.file}: expected ${row.expected} (${row.check ?? 'base'}), failing [${failing.join(', ')}]`);
    }
    const total = index.files.length;
    console.log(`PSA conformance: ${agree}/${total} fixtures agree (${((100 * agree) / total).toFixed(2)}%)`);
    expect(disagreements.slice(0, 20)).toEqual([]);
    expect(agree).toBe(total);
  });
});
